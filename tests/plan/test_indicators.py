"""Mission indicators (read by crisis_app.crises.mission): activities done and their participants, the plan's
people, and no evaluation counted before one is sent."""

from __future__ import annotations

from crisis_app.core.roles import Role
from crisis_app.crises import mission
from crisis_app.plan import activities, services


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
    figures = mission.for_year(2026)
    assert figures["plan_written"] and figures["updated_this_year"]
    assert (figures["exercises_done"], figures["sensibilisations_done"]) == (1, 1)
    assert figures["professionals_in_actions"] == 3
    assert figures["professionals_in_plan"] == 4
    assert mission.for_year(2027)["updated_this_year"] is False


def test_post_crisis_evaluations_are_the_evaluations_sent_that_year_and_nothing_else(db_session):
    """Nothing registers a counter: the figure is read from the crises' evaluations (none sent here)."""
    assert mission.for_year(2026)["evaluations_done"] == 0
    assert mission.evaluations_sent(2026) == 0


def test_an_activity_without_any_date_is_refused(personas):
    import pytest

    from crisis_app.core.errors import ServiceError

    with pytest.raises(ServiceError) as refused:
        activities.create_activity(actor=personas[Role.CRISIS_REFERENT].user, year=2026,
                                   data={"kind": "exercise", "title": "Sans date"})
    assert "planned_on" in refused.value.fields
