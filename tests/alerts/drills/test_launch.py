"""Scheduled drills leave once, at their time, through the beat; a référent's launch and the beat never send two
alerts; a drill that cannot leave says why; bad input changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from crisis_app.alerts.drills import services, tasks
from crisis_app.alerts.drills.models import Drill, DrillStatus
from crisis_app.alerts.models import Alert
from crisis_app.core.db import atomic, db
from crisis_app.core.errors import ServiceError
from tests.alerts.drills.conftest import T0, drill_data


def _alerts() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Alert))


def _schedule(referent, audience, minutes=10):
    with atomic():
        return services.create_drill(actor=referent, now=T0, data=drill_data(
            audience, kind="scheduled", scheduled_for=(T0 + timedelta(minutes=minutes)).isoformat()))


@pytest.fixture
def beat_clock(monkeypatch):
    """The beat task's ``now``."""
    moments = {"now": T0}
    monkeypatch.setattr(tasks, "utcnow", lambda: moments["now"])
    return moments


def test_scheduled_drill_is_launched_once_by_the_beat(referent, team, beat_clock, eager):
    audience, _ = team
    drill = _schedule(referent, audience)
    before = _alerts()
    assert drill.status is DrillStatus.SCHEDULED and drill.alert_id is None
    beat_clock["now"] = T0 + timedelta(minutes=9)
    assert tasks.launch_due() == 0 and _alerts() == before  # not yet
    beat_clock["now"] = T0 + timedelta(minutes=11)
    assert tasks.launch_due() == 1
    assert tasks.launch_due() == 0  # the next beat finds it launched
    db.session.refresh(drill)
    assert drill.status is DrillStatus.LAUNCHED and drill.launched_at == T0 + timedelta(minutes=11)
    assert _alerts() == before + 1 and drill.alert.is_exercise and len(drill.alert.recipients) == 5
    with pytest.raises(ServiceError) as refused:  # and a référent's click after it sends nothing more
        services.launch(drill=drill, actor=referent)
    assert refused.value.status == 409 and _alerts() == before + 1


def test_a_drill_launched_by_a_referent_is_not_launched_again_by_the_beat(referent, team, beat_clock, eager):
    audience, _ = team
    drill = _schedule(referent, audience)
    beat_clock["now"] = T0 + timedelta(minutes=11)
    due = services.due_ids(beat_clock["now"])  # the beat read it as due…
    with atomic():
        services.launch(drill=drill, actor=referent, now=T0 + timedelta(minutes=10, seconds=59))  # …a click first
    before = _alerts()
    with atomic():
        assert [services.launch_due_one(drill_id=i, now=beat_clock["now"]) for i in due] == [False]
    assert tasks.launch_due() == 0 and _alerts() == before


def test_a_due_drill_that_cannot_leave_says_why(referent, team, beat_clock, eager):
    audience, _ = team
    drill = _schedule(referent, audience)
    with atomic():
        referent.active = False
    beat_clock["now"] = T0 + timedelta(minutes=11)
    before = _alerts()
    assert tasks.launch_due() == 0
    db.session.refresh(drill)
    assert drill.status is DrillStatus.FAILED and "désactivé" in drill.launch_error and _alerts() == before
    assert tasks.launch_due() == 0  # not tried again every minute


def test_a_cancelled_drill_never_leaves(referent, team, beat_clock, eager):
    audience, _ = team
    drill = _schedule(referent, audience)
    with atomic():
        services.cancel(drill=drill, actor=referent)
    beat_clock["now"] = T0 + timedelta(minutes=11)
    before = _alerts()
    assert tasks.launch_due() == 0 and _alerts() == before
    assert drill.status is DrillStatus.CANCELLED


@pytest.mark.parametrize(("overrides", "field"), [
    ({"kind": "scheduled"}, "scheduled_for"),
    ({"kind": "scheduled", "scheduled_for": (T0 - timedelta(minutes=1)).isoformat()}, "scheduled_for"),
    ({"kind": "scheduled", "scheduled_for": (T0 + timedelta(days=400)).isoformat()}, "scheduled_for"),
    ({"question": "none"}, "question"),
    ({"channels": []}, "channels"),
    ({"channels": ["fax"]}, "channels"),
    ({"audience_id": 987654}, "audience_id"),
    ({"title": ""}, "title"),
])
def test_bad_input_is_refused_by_field_and_changes_nothing(referent, team, overrides, field):
    audience, _ = team
    drills = db.session.scalar(sa.select(sa.func.count()).select_from(Drill))
    with pytest.raises(ServiceError) as refused:
        with atomic():
            services.create_drill(actor=referent, now=T0, data=drill_data(audience, **overrides))
    assert field in refused.value.fields
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Drill)) == drills


def test_a_time_without_zone_is_paris_time(referent, team):
    audience, _ = team
    with atomic():
        drill = services.create_drill(actor=referent, now=T0, data=drill_data(
            audience, kind="scheduled", scheduled_for="2026-11-03T11:30"))
    assert drill.scheduled_for == T0 + timedelta(hours=1, minutes=30)  # 11:30 in Paris is 10:30 UTC in November
