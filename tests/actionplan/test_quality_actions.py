"""Actions and closure: an unverified action blocks closure (409, nothing changed); the whole loop to the
declarer's feedback; reminders once per due step even when beat runs twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from crisis_app.actionplan import reminders as action_reminders
from crisis_app.actionplan.vocab import ActionStatus
from crisis_app.core.db import atomic, db, utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.notifications.models import Message
from crisis_app.core.roles import Role
from quality.action_followup import actions
from quality.analyses import services as analyses
from quality.analyses.models import Analysis
from quality.register import closure, declaring, services
from quality.register.vocab import State
from quality.sessions import services as sessions
from tests.quality.conftest import row_counts, snapshot
from tests.quality.sessionkit import action_for, crex, event_for_crex


@pytest.fixture
def referent(personas):
    return personas[Role.QUALITY_REFERENT].user


@pytest.fixture
def declarer(personas):
    return personas[Role.PROFESSIONAL].user


def _verify(referent, action):
    for step in ("en_cours", "realisee", "efficacite_verifiee"):
        actions.transition(actor=referent, action=action, to=step, evidence_note="Audit de 20 dossiers : conforme.")


def _analysed(referent, personas, event):
    """The event through a CREX: analysis by the coordinator as pilot, presented and validated."""
    session = crex(referent, [event])
    sessions.decide(actor=referent, session=session, event_id=event.id, decision="analysis",
                    pilot_user_id=personas[Role.COORDINATOR].user.id)
    analysis = db.session.scalar(sa.select(Analysis).where(Analysis.event_id == event.id))
    analyses.save(actor=referent, analysis=analysis, data={"steps": {"collect": "Entretiens avec l'équipe."}})
    analyses.save(actor=referent, analysis=analysis, data={"steps": {"gaps": "Pas de conciliation à la sortie."},
                                                           "barriers": [{"kind": "recovery", "outcome": "effective",
                                                                         "text": "Le pharmacien a appelé."}]})
    analyses.present(actor=referent, analysis=analysis)
    analyses.validate(actor=referent, analysis=analysis, session=session)
    return session, analysis


def test_an_event_with_an_unverified_action_cannot_close_and_nothing_changes(referent, declarer):
    event = event_for_crex(referent, declarer)
    event = services.transition(actor=referent, event=event, to="planifie")
    for step in ("en_analyse", "presente", "plan_valide", "actions_en_cours",
                 "actions_realisees", "efficacite_verifiee"):
        services.transition(actor=referent, event=event, to=step)
    with atomic():
        action = action_for(referent, event)
        actions.transition(actor=referent, action=action, to="en_cours")
    before = snapshot()
    for attempt in (lambda: services.transition(actor=referent, event=event, to="cloture"),
                    lambda: closure.close(actor=referent, event=event, feedback="Merci.")):
        with pytest.raises(ServiceError) as refused, atomic():
            attempt()
        assert refused.value.status == 409 and refused.value.code == "actions_not_verified"
        db.session.rollback()
        assert snapshot() == before


def test_an_invalid_action_move_is_409_and_changes_nothing(referent, declarer):
    with atomic():
        action = action_for(referent, event_for_crex(referent, declarer))
    before = row_counts()
    with pytest.raises(ServiceError) as refused, atomic():
        actions.transition(actor=referent, action=action, to="efficacite_verifiee", evidence_note="x")
    assert refused.value.status == 409
    db.session.rollback()
    assert row_counts() == before and action.status is ActionStatus.PLANNED


def test_an_action_is_done_only_with_evidence(referent, declarer):
    action = action_for(referent, event_for_crex(referent, declarer))
    actions.transition(actor=referent, action=action, to="en_cours")
    with pytest.raises(ServiceError) as refused:
        actions.transition(actor=referent, action=action, to="realisee")
    assert "evidence_note" in refused.value.fields


def test_the_loop_closes_analysis_actions_verified_closure_feedback(referent, declarer, personas):
    event = event_for_crex(referent, declarer)
    session, analysis = _analysed(referent, personas, event)
    db.session.refresh(event)
    assert event.state is State.PLAN_VALIDE
    first, second = (action_for(referent, event, source_type="analysis", source_id=analysis.id, title=t)
                     for t in ("Conciliation à la sortie", "Fiche de liaison"))
    _verify(referent, first)
    db.session.refresh(event)
    assert event.state is State.ACTIONS_EN_COURS
    _verify(referent, second)
    db.session.refresh(event)
    assert event.state is State.EFFICACITE_VERIFIEE
    closure.close(actor=referent, event=event, feedback="Une conciliation est désormais faite à chaque sortie.")
    db.session.refresh(event)
    assert event.state is State.CLOTURE and event.feedback.startswith("Une conciliation")
    feedback = db.session.scalar(sa.select(Message).where(Message.topic == "quality.feedback"))
    assert feedback.recipients[0].email == declarer.email


def test_an_anonymous_declarer_reads_the_feedback_on_the_follow_up_page_only(referent, client):
    declared = declaring.declare(actor=None, anonymous=True, data=__import__(
        "tests.quality.conftest", fromlist=["declaration"]).declaration())
    event = services.triage(actor=referent, event=declared.event, severity=1, likelihood=1,
                            decision="traitement_simple")
    closure.close(actor=referent, event=event, feedback="Le circuit des ordonnances a été revu.")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Message)
                             .where(Message.topic == "quality.feedback")) == 0
    page = client.get(f"/suivi/{declared.follow_up_secret}")
    assert "Le circuit des ordonnances a été revu." in page.text


@pytest.mark.parametrize("days_before_due,step", [(10, "j-10"), (0, "echeance"), (-7, "retard-1"), (-15, "retard-2")])
def test_reminders_fire_once_per_due_step_even_when_beat_runs_twice(referent, declarer, days_before_due, step):
    action = action_for(referent, event_for_crex(referent, declarer))
    today = action.due_on - timedelta(days=days_before_due)
    assert action_reminders.run(today=today) == 1
    assert action_reminders.run(today=today) == 0
    rows = list(db.session.scalars(sa.select(Message).where(Message.topic == "quality.action_reminder")))
    assert len(rows) == 1 and rows[0].about_id == action.id
    assert action_reminders.step_for(action.due_on, today, 7)[0] == step


def test_no_reminder_before_j_minus_10_nor_for_a_verified_action(referent, declarer):
    action = action_for(referent, event_for_crex(referent, declarer))
    assert action_reminders.run(today=action.due_on - timedelta(days=11)) == 0
    _verify(referent, action)
    assert action_reminders.run(today=action.due_on + timedelta(days=30)) == 0


def test_quality_refuses_a_retex_source_the_retex_decides_its_own_actions(referent):
    """A RETEX's actions come from the crisis's RETEX (tests/actionplan/test_retex_actions.py); quality cannot
    attach one to a crisis it does not know."""
    with pytest.raises(ServiceError) as refused:
        actions.create(actor=referent, data={
            "title": "Mettre à jour la liste des patients sous oxygène", "action_type": "amelioration",
            "source_type": "crisis_retex", "source_id": 4, "owner_user_id": referent.id,
            "due_on": utcnow().date() + timedelta(days=60)})
    assert refused.value.status == 422 and refused.value.fields == {"source_type": [refused.value.message]}


def test_the_actions_page_links_an_eias_source_its_reader_may_open(referent, declarer, client, login, personas):
    event = event_for_crex(referent, declarer)
    with atomic():
        action = action_for(referent, event)
    login(personas[Role.QUALITY_REFERENT])
    page = client.get("/qualite/actions")
    assert page.status_code == 200
    link = f'href="/qualite/evenements/{event.id}"'
    assert link in page.text, f"no link to the source of action n° {action.id}"
    assert client.get(f"/qualite/evenements/{event.id}").status_code == 200
