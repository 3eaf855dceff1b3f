"""Mission indicators: activities done and their participants, the plan's people, and the crises' hook."""

from __future__ import annotations

from crisis_app.core.roles import Role
from crisis_app.plan import activities, indicators, services


def test_indicators_count_done_activities_their_participants_and_the_published_plan(complete_draft, personas,
                                                                                    people):
    referent = personas[Role.CRISIS_REFERENT].user
    services.validate_plan(actor=referent, plan=complete_draft)
    services.publish_plan(actor=referent, plan=complete_draft)
    activities.create_activity(actor=referent, year=2026, data={
        "kind": "exercise", "title": "Exercice NRC", "done_on": "2026-03-12",
        "participant_ids": [people[0].id, people[1].id]})
    activities.create_activity(actor=referent, year=2026, data={
        "kind": "sensibilisation", "title": "Soirée canicule", "done_on": "2026-05-20",
        "participant_ids": [people[1].id, people[2].id]})
    activities.create_activity(actor=referent, year=2026, data={
        "kind": "exercise", "title": "Exercice à venir", "planned_on": "2026-11-20", "participant_ids": []})
    figures = indicators.for_year(2026)
    assert figures["plan_written"] and figures["updated_this_year"]
    assert (figures["exercises_done"], figures["sensibilisations_done"]) == (1, 1)
    assert figures["professionals_in_actions"] == 3
    assert figures["professionals_in_plan"] == 4
    assert indicators.for_year(2027)["updated_this_year"] is False


def test_post_crisis_evaluations_come_from_the_registered_counters(monkeypatch):
    monkeypatch.setattr(indicators, "_EVALUATION_COUNTERS", [])  # crises registers its own at start-up
    assert indicators.evaluations_done(2026) == 0

    def counter(year):
        return 2 if year == 2026 else 0

    indicators.register_evaluation_counter(counter)
    try:
        assert indicators.evaluations_done(2026) == 2
    finally:
        indicators._EVALUATION_COUNTERS.remove(counter)


def test_an_activity_without_any_date_is_refused(personas):
    import pytest

    from crisis_app.core.errors import ServiceError

    with pytest.raises(ServiceError) as refused:
        activities.create_activity(actor=personas[Role.CRISIS_REFERENT].user, year=2026,
                                   data={"kind": "exercise", "title": "Sans date"})
    assert "planned_on" in refused.value.fields
