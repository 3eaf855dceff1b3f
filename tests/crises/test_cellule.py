"""Activating the cellule de crise: its members alerted and answering « J'arrive », « En visio » or « Je ne peux pas »;
the roll call shows who declined or is silent, and the suppléant is alerted in one tap."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from crisis_app.alerts import services as alert_services
from crisis_app.alerts.models import Alert, AlertRecipient
from crisis_app.core.db import db
from crisis_app.core.errors import ServiceError
from crisis_app.core.roles import Role
from crisis_app.core.vocabulary import QuestionKind
from crisis_app.crises import cellule, journal, services
from crisis_app.crises.models import CellActivation, EntryKind
from tests import factories
from tests.conftest import form_post


@pytest.fixture
def members(db_session):
    return [factories.reachable_professional(crisis_role="referent"),
            factories.reachable_professional(crisis_role="cellule"),
            factories.reachable_professional(crisis_role="cellule")]


def test_candidates_come_from_the_cellule_named_in_the_plan_or_the_directory(crisis, members):
    rows = cellule.candidates(crisis)
    assert {r["professional_id"] for r in rows} >= {m.id for m in members}
    assert all(r["reachable"] for r in rows if r["professional_id"] in {m.id for m in members})


def test_activation_asks_each_member_whether_they_come_by_visio_or_cannot(crisis, referent, members):
    activation = cellule.activate(actor=referent, crisis=crisis, professional_ids=[m.id for m in members[:2]])
    alert = db.session.get(Alert, activation.alert_id)
    assert alert.question_kind is QuestionKind.CELL and alert.crisis_id == crisis.id
    assert [o["label"] for o in alert.options] == ["J'arrive", "En visio", "Je ne peux pas"]
    assert {r.professional_id for r in alert.recipients} == {members[0].id, members[1].id}
    assert [m.name for m in activation.members] == [members[0].display_name, members[1].display_name]
    kinds = [e.kind for e in journal.entries(crisis)]
    assert EntryKind.ACTION in kinds and EntryKind.ALERT in kinds


def test_who_joined_and_when_comes_from_their_acknowledgements(crisis, referent, members):
    activation = cellule.activate(actor=referent, crisis=crisis, professional_ids=[m.id for m in members])
    first = db.session.scalar(sa.select(AlertRecipient).where(AlertRecipient.alert_id == activation.alert_id,
                                                              AlertRecipient.professional_id == members[1].id))
    alert_services.record_answer(recipient=first, code="V", comment="Depuis le cabinet", via="link")
    rows = {r["name"]: r for r in cellule.roll_call(activation)}
    assert rows[members[1].display_name]["joined_at"] is not None
    assert rows[members[1].display_name]["answer"] == "En visio"
    assert rows[members[1].display_name]["comment"] == "Depuis le cabinet"
    assert rows[members[0].display_name]["joined_at"] is None and rows[members[0].display_name]["alerted"]


def test_activation_of_a_closed_crisis_is_refused_and_sends_nothing(crisis, referent, members):
    services.close_crisis(actor=referent, crisis=crisis, reason="Fin")
    alerts = db.session.scalar(sa.select(sa.func.count()).select_from(Alert))
    with pytest.raises(ServiceError) as caught:
        cellule.activate(actor=referent, crisis=crisis, professional_ids=[members[0].id])
    assert caught.value.status == 409
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Alert)) == alerts


@pytest.mark.parametrize("ids", [[], [99999999]])
def test_activation_without_valid_members_is_refused(crisis, referent, members, ids):
    with pytest.raises(ServiceError) as caught:
        cellule.activate(actor=referent, crisis=crisis, professional_ids=ids)
    assert caught.value.status == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CellActivation)) == 0


def test_activation_of_unreachable_members_only_is_refused(crisis, referent):
    person = factories.professional(crisis_role="cellule")  # no consent given
    with pytest.raises(ServiceError) as caught:
        cellule.activate(actor=referent, crisis=crisis, professional_ids=[person.id])
    assert caught.value.code == "nobody_reachable"


def test_the_member_who_launched_the_call_is_shown_as_such_not_as_unreachable(crisis, referent, members):
    from crisis_app.directory.professionals import services as directory_services

    directory_services.link_user(actor=None, professional=members[0], user=referent)
    activation = cellule.activate(actor=referent, crisis=crisis, professional_ids=[m.id for m in members])
    rows = {r["name"]: r for r in cellule.roll_call(activation)}
    assert rows[members[0].display_name]["caller"] and not rows[members[0].display_name]["alerted"]
    assert not rows[members[1].display_name]["caller"] and rows[members[1].display_name]["alerted"]


def _recipient(activation, person):
    return db.session.scalar(sa.select(AlertRecipient).where(AlertRecipient.alert_id == activation.alert_id,
                                                             AlertRecipient.professional_id == person.id))


def test_a_member_who_declines_is_shown_as_declined_with_their_word_not_as_joined(crisis, referent, members):
    activation = cellule.activate(actor=referent, crisis=crisis, professional_ids=[m.id for m in members])
    alert_services.record_answer(recipient=_recipient(activation, members[1]), code="N", comment="Au bloc",
                                 via="link")
    alert_services.record_answer(recipient=_recipient(activation, members[0]), code="A", comment=None, via="link")
    rows = {r["name"]: r for r in cellule.roll_call(crisis)}
    declined = rows[members[1].display_name]
    assert declined["state"] == "declined" and declined["joined_at"] is None
    assert declined["answer"] == "Je ne peux pas" and declined["comment"] == "Au bloc"
    assert rows[members[2].display_name]["state"] == "silent"
    assert rows[members[0].display_name]["state"] == "joined"
    assert {r["name"] for r in cellule.absent(crisis)} == {members[1].display_name, members[2].display_name}


def test_the_roll_call_page_offers_a_call_and_the_backup_for_who_declined(client, login, personas, crisis, members):
    referent = personas[Role.CRISIS_REFERENT]
    activation = cellule.activate(actor=referent.user, crisis=crisis, professional_ids=[m.id for m in members[:2]])
    alert_services.record_answer(recipient=_recipient(activation, members[1]), code="N", comment=None, via="link")
    login(referent)
    page = client.get(f"/crises/{crisis.id}/cellule").text
    assert f'href="tel:{members[1].mobile_phone}"' in page
    assert "Je ne peux pas" in page and f'data-testid="backup-{members[1].id}"' in page
    assert "Alerter " + members[2].display_name in page  # the next member of reserve not called yet


def test_one_tap_alerts_the_backup_who_joins_the_roll_call(client, login, personas, crisis, members):
    referent = personas[Role.CRISIS_REFERENT]
    activation = cellule.activate(actor=referent.user, crisis=crisis, professional_ids=[m.id for m in members[:2]])
    alert_services.record_answer(recipient=_recipient(activation, members[1]), code="N", comment=None, via="link")
    login(referent)
    response = form_post(client, f"/crises/{crisis.id}/cellule/suppleant", {"professional_id": str(members[1].id)},
                         token_from=f"/crises/{crisis.id}/cellule")
    assert response.status_code == 303
    latest = cellule.latest(crisis)
    assert [m.professional_id for m in latest.members] == [members[2].id]
    assert "à la place de " + members[1].display_name in latest.members[0].role
    backup_alert = db.session.get(Alert, latest.alert_id)
    assert {r.professional_id for r in backup_alert.recipients} == {members[2].id}
    rows = {r["name"]: r for r in cellule.roll_call(crisis)}
    assert rows[members[2].display_name]["state"] == "silent" and rows[members[1].display_name]["state"] == "declined"
    assert any("Suppléant appelé" in e.text for e in journal.entries(crisis))


def test_a_present_member_has_no_backup_to_call(client, login, personas, crisis, members):
    referent = personas[Role.CRISIS_REFERENT]
    activation = cellule.activate(actor=referent.user, crisis=crisis, professional_ids=[m.id for m in members[:2]])
    alert_services.record_answer(recipient=_recipient(activation, members[1]), code="A", comment=None, via="link")
    with pytest.raises(ServiceError) as caught:
        cellule.call_backup(actor=referent.user, crisis=crisis, professional_id=members[1].id)
    assert caught.value.status == 409
    assert cellule.latest(crisis).id == activation.id


def test_a_cell_member_may_not_call_the_backup(client, login, personas, crisis, members):
    referent = personas[Role.CRISIS_REFERENT]
    activation = cellule.activate(actor=referent.user, crisis=crisis, professional_ids=[m.id for m in members[:2]])
    alert_services.record_answer(recipient=_recipient(activation, members[1]), code="N", comment=None, via="link")
    login(personas[Role.CRISIS_CELL])
    page = client.get(f"/crises/{crisis.id}/cellule").text
    assert "Je ne peux pas" in page and f'data-testid="backup-{members[1].id}"' not in page
    response = form_post(client, f"/crises/{crisis.id}/cellule/suppleant", {"professional_id": str(members[1].id)},
                         token_from=f"/crises/{crisis.id}/cellule")
    assert response.status_code == 403
    assert cellule.latest(crisis).id == activation.id


def test_the_answer_page_tells_the_member_what_happens_next(client, crisis, referent, members):
    from crisis_app.alerts import links

    activation = cellule.activate(actor=referent, crisis=crisis, professional_ids=[members[1].id])
    recipient = _recipient(activation, members[1])
    url = links.answer_url(activation.alert_id, recipient.id)
    path = url[url.index("/r/"):]
    page = client.get(path).text
    assert "J&#39;arrive" in page and "En visio" in page and "Je ne peux pas" in page
    response = form_post(client, path, {"code": "N", "comment": "En garde"})
    assert "le référent appelle votre suppléant" in response.text
    assert _recipient(activation, members[1]).answer_comment == "En garde"
