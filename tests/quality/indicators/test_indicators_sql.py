"""The quality figures computed by SQL aggregates: months counted in Paris time, categories and severities grouped,
the triage median over the middle waits, and the action plan's figures, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from crisis_app.actionplan.models import CorrectiveAction
from crisis_app.core.db import db
from crisis_app.core.roles import Role
from quality.indicators import aggregates, services
from quality.register.models import AdverseEvent, AdverseEventStep
from quality.register.vocab import State
from tests.quality.conftest import declare
from tests.quality.sessionkit import action_for, event_for_crex


@pytest.fixture
def referent(personas):
    return personas[Role.QUALITY_REFERENT].user


def _move(event, created: datetime, triaged_after: timedelta | None) -> None:
    db.session.execute(sa.update(AdverseEvent).where(AdverseEvent.id == event.id).values(created_at=created))
    db.session.execute(sa.delete(AdverseEventStep).where(AdverseEventStep.event_id == event.id,
                                                         AdverseEventStep.to_state == State.EN_TRI))
    if triaged_after is not None:
        db.session.add(AdverseEventStep(event_id=event.id, at=created + triaged_after, to_state=State.EN_TRI,
                                        actor_label="référent"))
    db.session.flush()


def test_months_are_paris_months_and_categories_and_severities_are_grouped(referent):
    # 31 Dec 2025 23:30 UTC is 1 Jan 2026 00:30 in Paris: January 2026, not 2025
    for when, category, severity in [(datetime(2025, 12, 31, 23, 30, tzinfo=UTC), "medicament", 2),
                                     (datetime(2026, 3, 15, 10, tzinfo=UTC), "medicament", 4),
                                     (datetime(2026, 3, 16, 10, tzinfo=UTC), "organisation", 2),
                                     (datetime(2026, 12, 31, 23, 30, tzinfo=UTC), "medicament", 1)]:
        _move(declare(anonymous=True, category=category, severity=severity).event, when, None)
    figures = services.compute(2026)
    assert figures["events_by_month"] == [1, 0, 3 - 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    assert list(figures["events_by_category"].values()) == [2, 1]
    assert [n for n in figures["events_by_severity"].values()] == [0, 2, 0, 1, 0]
    assert sum(services.compute(2027)["events_by_month"]) == 1


@pytest.mark.parametrize("waits,median", [([1, 5, 2], 2.0), ([1, 5, 2, 10], 3.5)])
def test_triage_median_is_the_middle_wait_or_the_mean_of_the_two_middle_ones(referent, waits, median):
    for n, days in enumerate(waits):
        _move(declare(anonymous=True).event, datetime(2026, 2, 1 + n, 9, tzinfo=UTC), timedelta(days=days))
    _move(declare(anonymous=True).event, datetime(2026, 2, 20, 9, tzinfo=UTC), None)  # never triaged: not counted
    assert aggregates.triage_days_median(2026) == median
    assert aggregates.triage_days_median(2025) is None


def test_action_plan_figures_count_done_late_and_verified_in_one_statement(referent):
    event = event_for_crex(referent, None, anonymous=True)
    on_time = action_for(referent, event, due_on=date(2026, 6, 30))
    late_open = action_for(referent, event, title="Relire les ordonnances", due_on=date(2026, 2, 1))
    action_for(referent, event, title="Afficher la procédure", due_on=date(2027, 1, 5))  # next year's
    db.session.execute(sa.update(CorrectiveAction).where(CorrectiveAction.id == on_time.id)
                       .values(status="efficacite_verifiee", done_on=date(2026, 6, 1)))
    figures = services.compute(2026, today=date(2026, 7, 1))["actions"]
    assert (figures["total"], figures["done"], figures["verified"], figures["on_time"], figures["late"]) == \
        (2, 1, 1, 1, 1)
    assert figures["done_rate"] == 50
    assert late_open.id
