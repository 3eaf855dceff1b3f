"""Each crisis action that crosses domains is one unit of work: when its LAST step fails, nothing of it is written
(no audience, alert, outbox message or delivery, activation, level change, journal line or audit row) and nothing
is enqueued; a retry then writes it once and sends it once."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from crisis_app.alerts import services as alert_services
from crisis_app.alerts.models import Alert, AlertRecipient
from crisis_app.core import audit
from crisis_app.core.db import atomic, db
from crisis_app.core.models import AuditEvent
from crisis_app.core.notifications.models import Delivery, Message, MessageAttachment
from crisis_app.crises import cellule, journal, retex, services
from crisis_app.crises.models import CellActivation, EntryKind, EvaluationStatus, JournalEntry, LevelChange
from crisis_app.directory.audiences.models import Audience
from tests import factories
from tests.alerts.conftest import alert_data, queued  # noqa: F401 - fixture

TABLES = (Audience, Alert, AlertRecipient, Message, MessageAttachment, Delivery, CellActivation, LevelChange,
          JournalEntry, AuditEvent)


class Broken(RuntimeError):
    """The last step of the action failed (a full disk, a lost connection, a bug)."""


def _rows() -> dict[str, int]:
    return {t.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(t)) for t in TABLES}


@contextmanager
def _failing_audit(action: str):
    """While inside, the action's own audit row (its last write) fails; every other audit row is written."""
    real = audit.record

    def record(**kwargs):
        if kwargs["action"] == action:
            raise Broken(action)
        return real(**kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(audit, "record", record)
        yield


def _nothing_left_behind(before: dict[str, int], queued) -> None:  # noqa: F811
    assert _rows() == before, "a failed action writes nothing"
    assert queued == [], "a failed action enqueues nothing"
    assert not db.session().info.get("on_commit"), "no on-commit callback survives the rollback"


def _dispatched(queued) -> list[int]:  # noqa: F811
    return [args[0] for kind, args in queued if kind == "dispatch"]


@pytest.fixture
def members(db_session):
    return [factories.reachable_professional(crisis_role="referent"),
            factories.reachable_professional(crisis_role="cellule")]


def test_activating_the_cellule_is_one_unit_audience_alert_and_activation(crisis, referent, members, queued):  # noqa: F811
    before = _rows()
    with _failing_audit("crisis.cell_activate"), pytest.raises(Broken), atomic():
        cellule.activate(actor=referent, crisis=crisis, professional_ids=[m.id for m in members])
    _nothing_left_behind(before, queued)

    with atomic():
        activation = cellule.activate(actor=referent, crisis=crisis, professional_ids=[m.id for m in members])
    alert = db.session.get(Alert, activation.alert_id)
    after = _rows()
    assert (after["Audience"], after["Alert"], after["CellActivation"], after["Message"]) == (
        before["Audience"] + 1, before["Alert"] + 1, before["CellActivation"] + 1, before["Message"] + 1)
    assert _dispatched(queued) == [alert.message_id], "the retry sends the alert once"
    assert cellule.latest(crisis).id == activation.id


@pytest.fixture
def validated(crisis, referent):
    retex.save(actor=referent, crisis=crisis, worked="Cellule réunie en une heure", not_worked="Stock juste",
               actions=[])
    services.close_crisis(actor=referent, crisis=crisis, reason="Fin")
    retex.validate(actor=referent, crisis=crisis)
    factories.organisation(name="ARS Occitanie — DD31", kind="ars",
                           contacts=[{"name": "Veille", "function": "Veille sanitaire",
                                     "email": "veille@ars.example.org"}])
    return crisis


def test_sending_the_retex_is_one_unit_message_with_its_pdf_state_and_audit(validated, referent, queued):  # noqa: F811
    before = _rows()
    with _failing_audit("crisis.evaluation_send"), pytest.raises(Broken), atomic():
        retex.send(actor=referent, crisis=validated)
    _nothing_left_behind(before, queued)
    assert retex.evaluation_of(validated).status is EvaluationStatus.VALIDATED

    with atomic():
        evaluation = retex.send(actor=referent, crisis=validated)
    assert evaluation.status is EvaluationStatus.SENT
    after = _rows()
    assert (after["Message"], after["MessageAttachment"], after["Delivery"]) == (
        before["Message"] + 1, before["MessageAttachment"] + 1, before["Delivery"] + 1)
    assert _dispatched(queued) == [evaluation.message_id], "the retry sends the RETEX once"


def test_changing_the_gradation_is_one_unit_level_journal_and_audit(crisis, referent):
    before = _rows()
    with _failing_audit("crisis.level"), pytest.raises(Broken), atomic():
        services.change_level(actor=referent, crisis=crisis, gradation=2, reason="Afflux aux urgences")
    assert _rows() == before
    assert crisis.gradation == 1

    with atomic():
        services.change_level(actor=referent, crisis=crisis, gradation=2, reason="Afflux aux urgences")
    after = _rows()
    assert crisis.gradation == 2
    assert (after["LevelChange"], after["JournalEntry"], after["AuditEvent"]) == (
        before["LevelChange"] + 1, before["JournalEntry"] + 1, before["AuditEvent"] + 1)


def test_closing_a_crisis_is_one_unit_close_journal_and_audit(crisis, referent):
    before = _rows()
    with _failing_audit("crisis.close"), pytest.raises(Broken), atomic():
        services.close_crisis(actor=referent, crisis=crisis, reason="Fin de l'épisode")
    assert _rows() == before
    assert crisis.active

    with atomic():
        services.close_crisis(actor=referent, crisis=crisis, reason="Fin de l'épisode")
    assert not crisis.active and _rows()["LevelChange"] == before["LevelChange"] + 1


def test_an_alert_of_the_crisis_and_its_journal_line_are_one_unit(crisis, referent, members, queued):  # noqa: F811
    from crisis_app.directory.audiences import services as audiences

    with atomic():
        audience = audiences.save_audience(actor=referent, data={
            "name": "Renforts", "kind": "list", "professional_ids": [m.id for m in members]})
    data = alert_data(audience, crisis_id=crisis.id)
    before = _rows()
    real = journal.append

    def append(**kwargs):  # the journal line Vigie writes for the alert is the alert's last step
        if kwargs["kind"] == EntryKind.ALERT:
            raise Broken("journal")
        return real(**kwargs)

    with pytest.MonkeyPatch.context() as patch, pytest.raises(Broken), atomic():
        patch.setattr(journal, "append", append)
        alert_services.send_alert(actor=referent, data=data)
    _nothing_left_behind(before, queued)

    with atomic():
        alert = alert_services.send_alert(actor=referent, data=data)
    assert _dispatched(queued) == [alert.message_id]
    assert [e.kind for e in journal.entries(crisis)][-1] is EntryKind.ALERT
