"""Contact details that cannot be borrowed: a new mobile or e-mail of one's own entry needs the code sent to it;
two active entries share a mobile only when the coordinator marks it shared (form, API, import)."""

import html
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from crisis_app.core.auth import services as auth_services
from crisis_app.core.db import db, utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.notifications.models import Message, OutboxMessage
from crisis_app.core.roles import Role
from crisis_app.directory.imports import csv_io
from crisis_app.directory.professionals import contact_changes, services
from crisis_app.directory.professionals.models import ContactChange, ContactField, Professional
from tests import factories
from tests.conftest import csrf_token, form_post

COLLEAGUE_MOBILE = "+33639981234"


@pytest.fixture
def eager_tasks(app, monkeypatch):
    monkeypatch.setattr(app.extensions["celery"].conf, "task_always_eager", True)


@pytest.fixture
def mine(personas, db_session):
    entry = factories.reachable_professional()
    services.link_user(actor=None, professional=entry, user=personas[Role.PROFESSIONAL].user)
    db.session.commit()
    return entry


def _save_my_entry(client, entry, **changes):
    data = {"mobile_phone": entry.mobile_phone, "email": entry.email, "consent_sms": "y", "consent_email": "y"}
    return form_post(client, "/annuaire/ma-fiche", {**data, **changes})


def _code_sent_to(address) -> str:
    [row] = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.address == address)).all()
    return re.search(r"\b(\d{6})\b", row.body).group(1)


def _type_code(client, field, code):
    return form_post(client, "/annuaire/ma-fiche/code", {"field": field, "code": code}, token_from="/annuaire/ma-fiche")


def test_a_new_mobile_reaches_the_entry_only_with_the_code_sent_to_it(client, personas, login, mine, eager_tasks):
    old = mine.mobile_phone
    login(personas[Role.PROFESSIONAL])
    response = _save_my_entry(client, mine, mobile_phone="06 39 98 77 66")
    assert response.status_code == 302
    assert mine.mobile_phone == old  # nothing changed yet
    page = html.unescape(client.get("/annuaire/ma-fiche").text)
    assert "Un code vient d'être envoyé à 06 39 98 77 66" in page and "Nouveau mobile à confirmer" in page
    code = _code_sent_to("+33639987766")
    assert _type_code(client, "mobile_phone", "000000" if code != "000000" else "111111").status_code == 302
    db.session.refresh(mine)
    assert mine.mobile_phone == old
    assert "Code incorrect. Encore 4 essais." in html.unescape(client.get("/annuaire/ma-fiche").text)
    _type_code(client, "mobile_phone", code)
    db.session.refresh(mine)
    assert mine.mobile_phone == "+33639987766"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ContactChange)) == 0
    actions = [e.action for e in services.history(mine)[:2]]
    assert actions == ["professional.contact_verified", "professional.update"]


def test_a_new_email_gets_its_code_by_email_and_the_stored_message_holds_no_code(client, personas, login, mine,
                                                                                  eager_tasks):
    login(personas[Role.PROFESSIONAL])
    _save_my_entry(client, mine, email="nouvelle.adresse@example.org")
    code = _code_sent_to("nouvelle.adresse@example.org")
    message = db.session.scalar(sa.select(Message).where(Message.topic == contact_changes.TOPIC))
    assert code not in message.email_text and code not in message.sms_text
    _type_code(client, "email", code)
    db.session.refresh(mine)
    assert mine.email == "nouvelle.adresse@example.org"


def test_five_wrong_codes_drop_the_change(client, personas, login, mine, eager_tasks):
    login(personas[Role.PROFESSIONAL])
    _save_my_entry(client, mine, email="x.y@example.org")
    right = _code_sent_to("x.y@example.org")
    wrong = "123456" if right != "123456" else "654321"
    for _ in range(5):
        _type_code(client, "email", wrong)
    _type_code(client, "email", right)
    db.session.refresh(mine)
    assert mine.email != "x.y@example.org"
    assert "n'est plus valable" in html.unescape(client.get("/annuaire/ma-fiche").text)


def test_an_expired_code_changes_nothing(client, personas, login, mine, eager_tasks):
    login(personas[Role.PROFESSIONAL])
    _save_my_entry(client, mine, email="x.y@example.org")
    code = _code_sent_to("x.y@example.org")
    change = db.session.scalar(sa.select(ContactChange))
    change.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    _type_code(client, "email", code)
    db.session.refresh(mine)
    assert mine.email != "x.y@example.org"


def test_a_colleagues_mobile_cannot_be_borrowed_and_no_code_goes_to_it(client, personas, login, mine, eager_tasks):
    # a surname nobody else on the page wears, so that its absence says the name was not given away
    colleague = factories.reachable_professional(mobile_phone=COLLEAGUE_MOBILE, last_name="Quesnoy-Vidalenc")
    db.session.commit()
    login(personas[Role.PROFESSIONAL])
    response = _save_my_entry(client, mine, mobile_phone="06 39 98 12 34")
    assert response.status_code == 409
    text = html.unescape(response.text)
    assert "déjà celui d'une autre fiche" in text and colleague.last_name not in text  # no name given away
    assert db.session.scalars(sa.select(OutboxMessage)).all() == []


def test_codes_are_limited_per_entry(client, personas, login, mine, eager_tasks):
    login(personas[Role.PROFESSIONAL])
    statuses = [_save_my_entry(client, mine, email=f"essai{n}@example.org").status_code for n in range(6)]
    assert statuses == [302] * 5 + [400]
    assert len(db.session.scalars(sa.select(OutboxMessage)).all()) == 5


def test_removing_ones_mobile_needs_no_code(client, personas, login, mine):
    login(personas[Role.PROFESSIONAL])
    _save_my_entry(client, mine, mobile_phone="")
    assert mine.mobile_phone is None


def test_cancel_a_pending_change(client, personas, login, mine, eager_tasks):
    login(personas[Role.PROFESSIONAL])
    _save_my_entry(client, mine, email="x.y@example.org")
    form_post(client, "/annuaire/ma-fiche/code", {"field": "email", "cancel": "Annuler ce changement"},
              token_from="/annuaire/ma-fiche")
    assert contact_changes.pending_for(mine) == []


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ARS_OBSERVER])
def test_roles_without_an_entry_cannot_type_a_code(client, personas, login, role, mine, eager_tasks):
    login(personas[Role.PROFESSIONAL])
    _save_my_entry(client, mine, email="x.y@example.org")
    code = _code_sent_to("x.y@example.org")
    client.post("/deconnexion", headers={"X-CSRFToken": csrf_token(client, "/mon-compte")})
    login(personas[role])
    response = client.post("/annuaire/ma-fiche/code", data={"field": "email", "code": code,
                                                             "csrf_token": csrf_token(client, "/mon-compte")})
    assert response.status_code == 403
    assert mine.email != "x.y@example.org"


def test_a_code_is_bound_to_its_change(db_session):
    change = ContactChange(id=1, professional_id=1, field=ContactField.EMAIL, new_value="a@example.org",
                           nonce="00", expires_at=utcnow())
    other = ContactChange(id=1, professional_id=1, field=ContactField.EMAIL, new_value="b@example.org",
                          nonce="00", expires_at=utcnow())
    assert re.fullmatch(r"\d{6}", contact_changes.code_for(change))
    assert contact_changes.code_for(change) != contact_changes.code_for(other)


# --- a mobile shared only when the coordinator says so ---

def test_the_coordinator_is_told_who_holds_the_mobile_and_may_mark_it_shared(client, personas, login):
    holder = factories.reachable_professional(mobile_phone=COLLEAGUE_MOBILE)
    db.session.commit()
    login(personas[Role.COORDINATOR])
    form_page = client.get("/annuaire/nouveau")
    assert "Mobile partagé" in html.unescape(form_page.text)
    data = {"rpps": factories_rpps(), "last_name": "Standard", "first_name": "Cabinet", "profession_code": "60",
            "mobile_phone": "06 39 98 12 34", "crisis_role": "none", "membership": "member"}
    refused = form_post(client, "/annuaire/nouveau", data)
    assert refused.status_code == 409
    assert f"déjà celui de {holder.display_name}" in html.unescape(refused.text)
    accepted = form_post(client, "/annuaire/nouveau", {**data, "mobile_shared": "y"})
    assert accepted.status_code == 302
    db.session.refresh(holder)
    assert holder.mobile_shared is True  # every holder of a shared mobile carries the flag


def factories_rpps() -> str:
    import random

    from crisis_app.core.demo import fake

    return fake.rpps(random.Random(424242))


def test_the_api_refuses_a_second_active_entry_on_a_mobile_unless_shared(client, personas):
    factories.reachable_professional(mobile_phone=COLLEAGUE_MOBILE)
    token = auth_services.issue_token(actor=None, user=personas[Role.COORDINATOR].user)
    body = {"rpps": factories_rpps(), "last_name": "Autre", "first_name": "Personne", "profession_code": "60",
            "mobile_phone": COLLEAGUE_MOBILE}
    headers = {"Authorization": f"Bearer {token}"}
    refused = client.post("/api/v1/professionals", json=body, headers=headers)
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "mobile_taken"
    assert list(refused.get_json()["error"]["fields"]) == ["mobile_phone"]
    accepted = client.post("/api/v1/professionals", json={**body, "mobile_shared": True}, headers=headers)
    assert accepted.status_code == 201 and accepted.get_json()["mobile_shared"] is True


def test_clearing_the_flag_while_others_share_the_mobile_is_refused(personas):
    a = factories.reachable_professional(mobile_phone=COLLEAGUE_MOBILE, mobile_shared=True)
    factories.reachable_professional(mobile_phone=COLLEAGUE_MOBILE, mobile_shared=True)
    with pytest.raises(ServiceError) as refused:
        services.update_professional(actor=personas[Role.COORDINATOR].user, professional=a,
                                     data={"mobile_shared": False})
    assert refused.value.code == "mobile_taken"


def test_an_inactive_entry_does_not_hold_its_mobile_but_cannot_come_back_on_it(personas):
    coordinator = personas[Role.COORDINATOR].user
    old = factories.reachable_professional(mobile_phone=COLLEAGUE_MOBILE)
    services.set_active(actor=coordinator, professional=old, active=False)
    factories.reachable_professional(mobile_phone=COLLEAGUE_MOBILE)  # the number went to someone else
    with pytest.raises(ServiceError):
        services.set_active(actor=coordinator, professional=old, active=True)


def test_the_database_refuses_two_unshared_active_entries_on_one_mobile(personas):
    """Two saves at the same moment would both pass the check: the partial unique index decides."""
    import sqlalchemy.exc

    first = factories.reachable_professional(mobile_phone=COLLEAGUE_MOBILE)
    second = factories.reachable_professional()
    db.session.commit()
    with pytest.raises(sqlalchemy.exc.IntegrityError):
        with db.session.begin_nested():
            db.session.execute(sa.update(Professional).where(Professional.id == second.id)
                               .values(mobile_phone=first.mobile_phone))
    db.session.rollback()


def test_an_import_line_giving_a_held_mobile_is_rejected_with_the_reason(tmp_path, personas):
    from tests.directory.imports.test_csv_io import _export, _rows, _write

    holder = factories.reachable_professional(mobile_phone=COLLEAGUE_MOBILE)
    other = factories.professional(mobile_phone="")  # an empty mobile is one an import fills
    rows = _rows(_export(tmp_path))
    by_rpps = {r["RPPS"]: r for r in rows}
    by_rpps[other.rpps]["Téléphone mobile"] = "06 39 98 12 34"
    report = csv_io.import_csv(path=_write(tmp_path / "partage.csv", rows))
    assert report.rejected_count == 1
    assert "déjà celui d'une autre fiche active" in report.rejected[0].reason
    db.session.refresh(other)
    assert other.mobile_phone is None and holder.mobile_phone == COLLEAGUE_MOBILE


def test_the_entry_page_says_the_mobile_is_shared(client, personas, login):
    entry = factories.reachable_professional(mobile_phone=COLLEAGUE_MOBILE, mobile_shared=True)
    db.session.commit()
    login(personas[Role.CRISIS_CELL])
    assert "(partagé avec d'autres fiches)" in html.unescape(client.get(f"/annuaire/{entry.id}").text)
