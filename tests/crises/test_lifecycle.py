"""A crisis's life: open, gradations up and down, close; each change with its journal line and audit row,
each refused change leaving everything as it was."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from crisis_app.core.db import db
from crisis_app.core.errors import ServiceError
from crisis_app.core.models import AuditEvent
from crisis_app.crises import journal, services
from crisis_app.crises.models import Crisis, EntryKind, LevelChange


def _state(crisis):
    """Everything a refused change must leave untouched."""
    db.session.expire_all()
    fresh = db.session.get(Crisis, crisis.id)
    count = sa.select(sa.func.count())
    return (fresh.gradation, fresh.closed_at, fresh.close_reason, len(journal.entries(fresh)),
            db.session.scalar(count.select_from(AuditEvent)),
            db.session.scalar(count.select_from(LevelChange).where(LevelChange.crisis_id == crisis.id)))


def test_opening_records_the_qualification_in_the_journal_and_the_audit(crisis, referent):
    assert (crisis.authority, crisis.authority_reference, crisis.gradation) == ("ars", "ARS-2026-117", 1)
    entry = journal.entries(crisis)[0]
    assert entry.kind is EntryKind.LEVEL_CHANGE and "qualifiée par ARS (réf. ARS-2026-117)" in entry.text
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "crisis.open",
                                                         AuditEvent.object_id == str(crisis.id))) is not None


def test_a_crisis_can_be_opened_in_veille(referent):
    crisis = services.open_crisis(actor=referent, title="Pollution", typology=4, gradation=0, authority="prefecture")
    assert crisis.gradation == 0 and crisis.gradation_label == "Veille"


def test_gradation_goes_up_and_down_with_reason_author_and_time(crisis, referent):
    services.change_level(actor=referent, crisis=crisis, gradation=2, reason="Afflux aux urgences")
    services.change_level(actor=referent, crisis=crisis, gradation=0, reason="Décrue")
    timeline = services.level_changes(crisis)
    assert [(c.from_gradation, c.to_gradation, c.reason) for c in timeline] == [
        (None, 1, "Ouverture"), (1, 2, "Afflux aux urgences"), (2, 0, "Décrue")]
    assert timeline[1].author_label == referent.full_name and timeline[1].at is not None
    texts = [e.text for e in journal.entries(crisis) if e.kind is EntryKind.LEVEL_CHANGE]
    assert texts[1:] == ["Gradation 1 → Gradation 2 (relevée) : Afflux aux urgences",
                         "Gradation 2 → Veille (abaissée) : Décrue"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "crisis.level")) == 2


def test_closing_records_time_and_reason(crisis, referent):
    services.close_crisis(actor=referent, crisis=crisis, reason="Fin de l'épisode caniculaire")
    assert crisis.closed_at is not None and crisis.close_reason == "Fin de l'épisode caniculaire"
    assert journal.entries(crisis)[-1].text == "Crise close : Fin de l'épisode caniculaire"
    assert services.current_crisis() is None


@pytest.mark.parametrize(("gradation", "reason", "field"), [(3, "motif", "gradation"), (-1, "motif", "gradation"),
                                                            (True, "motif", "gradation"), (2, "  ", "reason")])
def test_an_invalid_level_change_is_refused_with_422_and_changes_nothing(crisis, referent, gradation, reason, field):
    before = _state(crisis)
    with pytest.raises(ServiceError) as caught:
        services.change_level(actor=referent, crisis=crisis, gradation=gradation, reason=reason)
    assert caught.value.status == 422 and field in caught.value.fields
    assert _state(crisis) == before


def test_the_same_level_again_is_refused_with_409_and_changes_nothing(crisis, referent):
    before = _state(crisis)
    with pytest.raises(ServiceError) as caught:
        services.change_level(actor=referent, crisis=crisis, gradation=1, reason="Encore")
    assert caught.value.status == 409
    assert _state(crisis) == before


def test_closing_twice_is_refused_with_409_and_changes_nothing(crisis, referent):
    services.close_crisis(actor=referent, crisis=crisis, reason="Fin")
    before = _state(crisis)
    with pytest.raises(ServiceError) as caught:
        services.close_crisis(actor=referent, crisis=crisis, reason="Encore la fin")
    assert caught.value.status == 409 and caught.value.code == "already_closed"
    assert _state(crisis) == before


@pytest.mark.parametrize("change", ["level", "journal"])
def test_a_closed_crisis_refuses_every_change_with_409(crisis, referent, change):
    services.close_crisis(actor=referent, crisis=crisis, reason="Fin")
    before = _state(crisis)
    with pytest.raises(ServiceError) as caught:
        if change == "level":
            services.change_level(actor=referent, crisis=crisis, gradation=2, reason="Reprise")
        else:
            journal.write(actor=referent, crisis=crisis, kind="decision", text="Après coup")
    assert caught.value.status == 409
    assert _state(crisis) == before


@pytest.mark.parametrize(("overrides", "field"), [
    ({"typology": 6}, "typology"), ({"gradation": 3}, "gradation"), ({"title": " "}, "title"),
    ({"authority": "mairie"}, "authority")])
def test_an_invalid_opening_is_refused_and_opens_nothing(referent, overrides, field):
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Crisis))
    data = {"title": "Inondations", "typology": 1, "gradation": 1, "authority": "prefecture", **overrides}
    with pytest.raises(ServiceError) as caught:
        services.open_crisis(actor=referent, **data)
    assert caught.value.status == 422 and field in caught.value.fields
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Crisis)) == count


def test_an_exercise_is_not_the_current_crisis_but_the_current_exercise(referent):
    exercise = services.open_crisis(actor=referent, title="Exercice NRC", typology=2, is_exercise=True)
    assert services.current_crisis() is None and services.current_exercise() == exercise
