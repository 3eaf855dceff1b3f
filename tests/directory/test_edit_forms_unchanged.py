"""Every edit form of the directory, opened and saved untouched, leaves its object exactly as it was.

The form is submitted as a browser would (every input, select and textarea as the page shows it), and the
object's database rows are compared before and after: a form that pre-fills a value it cannot read back
(the text of ORM objects, a choice missing from a menu) fails here.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from crisis_app.core.db import db, utcnow
from crisis_app.core.models import AuditEvent
from crisis_app.core.roles import Role
from crisis_app.directory.professionals import services
from tests import factories
from tests.directory.htmlform import form_index, post_fields

IGNORED = {"updated_at", "created_at"}


def rows(table: str, where: str, **params) -> list[dict]:
    """The rows of ``table`` matching ``where``, as plain dicts without timestamps of writing, sorted."""
    result = db.session.execute(sa.text(f"SELECT * FROM {table} WHERE {where}"), params).mappings().all()
    cleaned = [{k: v for k, v in r.items() if k not in IGNORED} for r in result]
    return sorted(cleaned, key=repr)


def professional_state(professional_id: int, *, ignore: frozenset = frozenset()) -> dict:
    db.session.expire_all()
    main = [{k: v for k, v in r.items() if k not in ignore}
            for r in rows("professional", "id = :id", id=professional_id)]
    consents = [{k: v for k, v in r.items() if k not in ignore}
                for r in rows("alert_consent", "professional_id = :id", id=professional_id)]
    return {"professional": main, "tags": rows("professional_tag", "professional_id = :id", id=professional_id),
            "consents": consents}


def organisation_state(organisation_id: int) -> dict:
    db.session.expire_all()
    contacts = sorted(({k: v for k, v in r.items() if k != "id"}
                       for r in rows("organisation_contact", "organisation_id = :id", id=organisation_id)),
                      key=repr)
    return {"organisation": rows("organisation", "id = :id", id=organisation_id), "contacts": contacts}


def save_untouched(client, url: str, marker: str):
    """Submit the page's form holding ``marker`` (not the menu's logout form) exactly as it is shown."""
    page = client.get(url)
    assert page.status_code == 200, url
    fields = post_fields(page.text, form_index(page.text, marker))
    assert any(name == "csrf_token" for name, _ in fields) and len(fields) > 2
    return client.post(url, data=_multidict(fields))


def _multidict(pairs):
    from werkzeug.datastructures import MultiDict

    return MultiDict(pairs)


def _updates(action: str) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(AuditEvent.action == action))


@pytest.fixture
def imported_professional(db_session):
    """An entry as an import leaves it: skills, a profession and a practice mode outside the menus, a landline."""
    return factories.reachable_professional(
        tags=["plaies et cicatrisation", "vaccination", "soins palliatifs"], profession_code="94",
        practice_mode="Libéral intégral", civility="Dr", specialty="Rééducation", structure_type="msp",
        structure_name="MSP des Carmes", structure_phone="05 61 00 00 00", crisis_role="cellule",
        membership="partner", postal_code="31000")


def test_a_professional_saved_unchanged_keeps_every_field_and_its_skills(client, personas, login,
                                                                           imported_professional):
    p = imported_professional
    before = professional_state(p.id)
    updates = _updates("professional.update")
    login(personas[Role.COORDINATOR])
    response = save_untouched(client, f"/annuaire/{p.id}/modifier", 'name="last_name"')
    assert response.status_code == 302, response.text
    assert professional_state(p.id) == before
    assert [t["tag"] for t in before["tags"]] == ["plaies et cicatrisation", "soins palliatifs", "vaccination"]
    assert _updates("professional.update") == updates  # nothing changed, nothing audited


def test_the_edit_form_shows_skills_by_name_never_as_object_text(client, personas, login, imported_professional):
    login(personas[Role.COORDINATOR])
    page = client.get(f"/annuaire/{imported_professional.id}/modifier").text
    assert 'value="plaies et cicatrisation, soins palliatifs, vaccination"' in page
    assert "ProfessionalTag" not in page


def test_changing_only_the_phone_keeps_the_skills(client, personas, login, imported_professional):
    p = imported_professional
    login(personas[Role.COORDINATOR])
    url = f"/annuaire/{p.id}/modifier"
    page = client.get(url).text
    fields = [(k, "06 39 98 77 66" if k == "mobile_phone" else v)
              for k, v in post_fields(page, form_index(page, 'name="last_name"'))]
    assert client.post(url, data=_multidict(fields)).status_code == 302
    db.session.expire_all()
    assert p.mobile_phone == "+33639987766"
    assert p.skill_list == ["plaies et cicatrisation", "soins palliatifs", "vaccination"]


def test_a_minimal_professional_saved_unchanged_stays_minimal(client, personas, login):
    p = factories.professional(email="", mobile_phone="", commune_code="", commune_name="", postal_code="")
    before = professional_state(p.id)
    login(personas[Role.COORDINATOR])
    assert save_untouched(client, f"/annuaire/{p.id}/modifier", 'name="last_name"').status_code == 302
    assert professional_state(p.id) == before


def test_my_entry_saved_unchanged_changes_nothing_but_the_confirmation(client, personas, login):
    p = services.create_professional(
        actor=None, data={**_person(), "tags": ["vaccination"]}, consents={"sms": True},
        consent_method="formulaire d'adhésion", confirmed_at=utcnow() - timedelta(days=400))
    services.link_user(actor=None, professional=p, user=personas[Role.PROFESSIONAL].user)
    p.unavailable_until = utcnow() + timedelta(days=3)
    p.availability_note = "En congés"
    db.session.commit()
    before = professional_state(p.id, ignore=frozenset({"confirmed_at"}))
    login(personas[Role.PROFESSIONAL])
    assert save_untouched(client, "/annuaire/ma-fiche", 'name="mobile_phone"').status_code == 302
    after = professional_state(p.id, ignore=frozenset({"confirmed_at"}))
    # the date picker keeps the day (stored at 23:59 Paris time), not the minute
    for state in (before, after):
        state["professional"][0]["unavailable_until"] = _paris_day(state["professional"][0]["unavailable_until"])
    assert after == before


def test_an_organisation_saved_unchanged_keeps_its_contacts(client, personas, login):
    org = factories.organisation(name="CPAM de la Haute-Garonne", kind="cpam", receives_evaluations=False,
                                 contacts=[{"name": "Marc Lefèvre", "function": "Conseiller",
                                            "email": "marc@example.org", "phone": "05 61 00 00 00"},
                                           {"name": "Anne Roy", "email": "anne@example.org"}])
    before = organisation_state(org.id)
    login(personas[Role.COORDINATOR])
    response = save_untouched(client, f"/annuaire/organisations/{org.id}?modifier=1", 'name="kind"')
    assert response.status_code == 302, response.text
    assert organisation_state(org.id) == before


def test_an_audience_read_and_put_back_through_the_api_is_unchanged(client, personas, login):
    from crisis_app.directory.audiences import services as audiences

    members = [factories.professional(), factories.professional()]
    audience = audiences.save_audience(actor=personas[Role.COORDINATOR].user, data={
        "name": "Astreinte", "description": "Nuit", "kind": "list", "for_exercises": True,
        "professional_ids": [m.id for m in members]})
    filtered = audiences.save_audience(actor=personas[Role.COORDINATOR].user, data={
        "name": "Infirmiers de Toulouse", "kind": "filter",
        "criteria": {"profession_code": ["60"], "commune_code": ["31555"], "consent": "sms"}})
    login(personas[Role.COORDINATOR])
    for item in (audience, filtered):
        db.session.expire_all()
        before = rows("audience", "id = :id", id=item.id), rows("audience_member", "audience_id = :id", id=item.id)
        shown = client.get(f"/api/v1/audiences/{item.id}").get_json()
        body = {k: shown[k] for k in ("name", "description", "kind", "criteria", "professional_ids",
                                      "for_exercises")}
        response = client.put(f"/api/v1/audiences/{item.id}", json=body, headers=_api_csrf(client))
        assert response.status_code == 200, response.text
        db.session.expire_all()
        after = rows("audience", "id = :id", id=item.id), rows("audience_member", "audience_id = :id", id=item.id)
        assert after == before


def _api_csrf(client) -> dict:
    from tests.conftest import csrf_token

    return {"X-CSRFToken": csrf_token(client, "/mon-compte")}


def _person() -> dict:
    import random

    from crisis_app.core.demo import fake

    p = fake.person(random.Random(), 5)
    return {"rpps": p.rpps, "last_name": p.last_name, "first_name": p.first_name, "profession_code": "70",
            "mobile_phone": p.mobile, "email": p.email}


def _paris_day(moment):
    from zoneinfo import ZoneInfo

    if moment is None:
        return None
    if isinstance(moment, str):
        from datetime import datetime

        moment = datetime.fromisoformat(moment)
    if moment.tzinfo is None:
        from datetime import UTC

        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo("Europe/Paris")).date()
