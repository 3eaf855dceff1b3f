"""Activating the cellule de crise: its members alerted with an acknowledgement question, who joined and when."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from crisis_app.alerts import services as alert_services
from crisis_app.alerts.models import Alert, AlertRecipient
from crisis_app.core.db import db
from crisis_app.core.errors import ServiceError
from crisis_app.core.vocabulary import QuestionKind
from crisis_app.crises import cellule, journal, services
from crisis_app.crises.models import CellActivation, EntryKind
from tests import factories


@pytest.fixture
def members(db_session):
    return [factories.reachable_professional(crisis_role="referent"),
            factories.reachable_professional(crisis_role="cellule"),
            factories.reachable_professional(crisis_role="cellule")]


def test_candidates_come_from_the_cellule_named_in_the_plan_or_the_directory(crisis, members):
    rows = cellule.candidates(crisis)
    assert {r["professional_id"] for r in rows} >= {m.id for m in members}
    assert all(r["reachable"] for r in rows if r["professional_id"] in {m.id for m in members})


def test_activation_alerts_the_chosen_members_with_an_acknowledgement_question(crisis, referent, members):
    activation = cellule.activate(actor=referent, crisis=crisis, professional_ids=[m.id for m in members[:2]])
    alert = db.session.get(Alert, activation.alert_id)
    assert alert.question_kind is QuestionKind.ACK and alert.crisis_id == crisis.id
    assert {r.professional_id for r in alert.recipients} == {members[0].id, members[1].id}
    assert [m.name for m in activation.members] == [members[0].display_name, members[1].display_name]
    kinds = [e.kind for e in journal.entries(crisis)]
    assert EntryKind.ACTION in kinds and EntryKind.ALERT in kinds


def test_who_joined_and_when_comes_from_their_acknowledgements(crisis, referent, members):
    activation = cellule.activate(actor=referent, crisis=crisis, professional_ids=[m.id for m in members])
    first = db.session.scalar(sa.select(AlertRecipient).where(AlertRecipient.alert_id == activation.alert_id,
                                                              AlertRecipient.professional_id == members[1].id))
    alert_services.record_answer(recipient=first, code="OK", comment="J'arrive", via="link")
    rows = {r["name"]: r for r in cellule.roll_call(activation)}
    assert rows[members[1].display_name]["joined_at"] is not None
    assert rows[members[1].display_name]["comment"] == "J'arrive"
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
