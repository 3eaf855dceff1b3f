"""RETEX actions are actions of the one plan: listed by the quality actions API and page with their source,
reminded, verified with evidence, counted in « plan d'actions réalisé »; the RETEX page and its API still show
them; a free-text owner becomes the person it names, else stays a note."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from crisis_app.actionplan import reminders, services
from crisis_app.actionplan.models import CorrectiveAction, ReminderStep
from crisis_app.actionplan.vocab import ActionStatus
from crisis_app.core.auth import services as auth_services
from crisis_app.core.db import atomic, db, utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.models import AuditEvent
from crisis_app.core.notifications.models import Message
from crisis_app.core.roles import Role
from crisis_app.crises import retex
from crisis_app.crises import services as crises
from crisis_app.crises.schemas import EvaluationSchema
from quality.indicators import services as indicators
from quality.register import reminders as eigs_reminders
from quality.register import rules
from quality.register import services as quality
from tests import factories
from tests.conftest import csrf_token
from tests.quality.conftest import declare

DUE = utcnow().date() + timedelta(days=5)


@pytest.fixture
def anne(crisis_referent):
    return factories.reachable_professional(actor=crisis_referent, first_name="Anne", last_name="Dupré",
                                            channels=("email",))


@pytest.fixture
def decided(crisis, crisis_referent, anne):
    """A RETEX whose draft decided two actions: one for « anne dupre » (the directory's Anne Dupré), one for a
    name nobody carries."""
    with atomic():
        retex.save(actor=crisis_referent, crisis=crisis, worked="Alerte rapide", not_worked="Annuaire daté",
                   actions=[{"title": "Mettre à jour l'annuaire des IDE", "owner": "anne dupre", "due_on": DUE},
                            {"title": "Doubler la dotation de masques", "owner": "La mairie"}])
    return retex.evaluation_of(crisis).actions


def _bearer(personas, role: Role) -> dict[str, str]:
    return {"Authorization": f"Bearer {auth_services.issue_token(actor=None, user=personas[role].user)}"}


def test_a_free_text_owner_becomes_the_person_it_names_else_a_note(decided, anne):
    named, unknown = decided
    assert (named.owner_professional_id, named.owner_note, named.owner_name) == (anne.id, None, anne.display_name)
    assert (unknown.owner_professional_id, unknown.owner_user_id, unknown.owner_note) == (None, None, "La mairie")
    assert unknown.owner_name == "La mairie" and unknown.due_on is None


def test_retex_actions_are_listed_by_the_quality_actions_api_with_their_source(client, personas, crisis, decided):
    response = client.get("/api/v1/quality/actions?source_type=crisis_retex",
                          headers=_bearer(personas, Role.QUALITY_REFERENT))
    items = response.get_json()["items"]
    assert response.status_code == 200 and {i["id"] for i in items} == {a.id for a in decided}
    items = sorted(items, key=lambda i: i["id"])
    assert {i["source_label"] for i in items} == {"RETEX — Canicule juillet"}
    assert items[0]["owner_name"] == decided[0].owner_name and items[1]["due_on"] is None


def test_the_quality_actions_page_shows_the_retex_source_without_a_link_its_reader_may_not_follow(
        client, login, personas, crisis, decided):
    login(personas[Role.QUALITY_REFERENT])
    page = client.get("/qualite/actions")
    assert page.status_code == 200
    assert "RETEX — Canicule juillet" in page.text and "sans échéance" in page.text
    assert f'href="/crises/{crisis.id}/retex"' not in page.text
    assert client.get(f"/crises/{crisis.id}/retex").status_code == 403  # why there is no link


def test_a_retex_action_is_reminded_its_owner_or_the_crisis_referents(decided, anne, crisis_referent):
    named, unknown = decided
    with atomic():
        sent = reminders.run(today=DUE - timedelta(days=5))
    assert sent == 1 and reminders.steps_sent(reminders.ACTION, named.id) == ["j-10"]
    message = db.session.scalar(sa.select(Message).where(Message.about_id == named.id,
                                                         Message.topic == "quality.action_reminder"))
    assert [r.email for r in message.recipients] == [anne.email]
    assert "RETEX — Canicule juillet" in message.email_text
    with atomic():  # an owner known by name only: the crisis referents of the directory are reminded
        services.update(actor=crisis_referent, action=unknown, title=unknown.title, owner=services.Owner(
            note="La mairie"), due_on=DUE)
    referent = factories.reachable_professional(actor=crisis_referent, channels=("email",),
                                                crisis_role="referent")
    with atomic():
        assert reminders.run(today=DUE - timedelta(days=5)) == 1
    message = db.session.scalar(sa.select(Message).where(Message.about_id == unknown.id))
    assert referent.email in [r.email for r in message.recipients]


def test_a_retex_action_is_verified_through_the_quality_api_and_the_retex_page_shows_it(
        client, personas, crisis, crisis_referent, decided):
    action = decided[0]
    headers = _bearer(personas, Role.QUALITY_REFERENT)
    for step in ("en_cours", "realisee", "efficacite_verifiee"):
        response = client.post(f"/api/v1/quality/actions/{action.id}/transition", headers=headers,
                               json={"to": step, "evidence_note": "Annuaire relu et publié le 2 mars."})
        assert response.status_code == 200, response.text
    assert response.get_json()["status"] == "efficacite_verifiee"
    # what GET /api/v1/crises/<id>/evaluation answers (one role per test client: flask-login caches the first)
    evaluation = EvaluationSchema().dump(retex.evaluation_of(crisis))
    assert evaluation["actions"][0]["status"] == "efficacite_verifiee"
    assert evaluation["actions"][0]["evidence_note"] == "Annuaire relu et publié le 2 mars."
    assert evaluation["actions"][0]["source"] == "RETEX — Canicule juillet"


def test_the_retex_page_follows_an_action_with_its_evidence(client, login, personas, crisis, crisis_referent,
                                                             decided):
    with atomic():
        crises.close_crisis(actor=crisis_referent, crisis=crisis, reason="Fin")
        retex.validate(actor=crisis_referent, crisis=crisis)
    login(personas[Role.CRISIS_REFERENT])
    token = csrf_token(client, f"/crises/{crisis.id}/retex")
    action = decided[0]
    for status in ("en_cours", "realisee"):
        response = client.post(f"/crises/{crisis.id}/retex/actions/{action.id}", data={
            "csrf_token": token, "status": status, "evidence_note": "Annuaire relu."})
        assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(CorrectiveAction, action.id).status is ActionStatus.DONE
    page = client.get(f"/crises/{crisis.id}/retex")
    assert f'data-testid="retex-action-status-{action.id}">Réalisée' in page.text and "Annuaire relu." in page.text


def test_retex_actions_count_in_the_action_plan_carried_out(crisis_referent, decided):
    year = DUE.year
    before = indicators.compute(year)["actions"]
    with atomic():
        for step in ("en_cours", "realisee"):
            services.transition(actor=crisis_referent, action=decided[0], to=step, evidence_note="Fait.")
    after = indicators.compute(year)
    assert after["actions"]["done"] == before["done"] + 1
    assert after["contract"]["action_plan_done_rate"] == after["actions"]["done_rate"] > 0
    # the action with no due date counts in the year it was decided
    assert indicators.compute(utcnow().year)["actions"]["total"] >= 1 + (DUE.year == utcnow().year)


def test_a_second_save_rewrites_the_actions_it_names_and_removes_the_others(crisis, crisis_referent, decided):
    named, unknown = decided
    with atomic():
        services.transition(actor=crisis_referent, action=named, to="en_cours")
        retex.save(actor=crisis_referent, crisis=crisis, worked="a", not_worked="b", actions=[
            {"id": named.id, "title": "Mettre à jour l'annuaire des IDE et des SSIAD", "owner": "Anne Dupré",
             "due_on": DUE.isoformat(), "status": "en_cours"}])
    kept = retex.evaluation_of(crisis).actions
    assert [a.id for a in kept] == [named.id] and kept[0].status is ActionStatus.IN_PROGRESS
    assert kept[0].title == "Mettre à jour l'annuaire des IDE et des SSIAD"
    assert db.session.get(CorrectiveAction, unknown.id) is None


def test_the_draft_does_not_move_a_status_the_follow_up_moves_it(crisis, crisis_referent, decided):
    with pytest.raises(ServiceError) as refused:
        retex.save(actor=crisis_referent, crisis=crisis, worked="a", not_worked="b", actions=[
            {"id": decided[0].id, "title": "X", "owner": "Anne Dupré", "status": "done"}])
    assert refused.value.status == 422 and "actions.0" in refused.value.fields


def test_eigs_deadlines_and_action_reminders_share_one_ledger(personas, decided):
    referent = personas[Role.QUALITY_REFERENT].user
    event = declare(anonymous=True, severity=5).event
    quality.triage(actor=referent, event=event, severity=5, likelihood=2, decision="eigs")
    quality.record_eigs(actor=referent, event=event, part1_sent_on=utcnow().date() - timedelta(days=62))
    with atomic():
        assert eigs_reminders.run() == 1 and reminders.run(today=DUE) == 1
    rows = db.session.execute(sa.select(ReminderStep.kind, ReminderStep.subject_id, ReminderStep.step)).all()
    assert sorted(rows) == [("action", decided[0].id, "echeance"), ("eigs_part2", event.id, "j-30")]
    # one rule for both schedules
    assert rules.reminder_step(date(2027, 3, 1), date(2027, 3, 16)) == ("retard-2", date(2027, 3, 15))
    assert reminders.step_for(date(2027, 3, 1), date(2027, 3, 16), 7) == ("retard-2", date(2027, 3, 15))


def test_a_draft_whose_last_action_fails_writes_nothing_and_a_retry_writes_it_once(crisis, crisis_referent,
                                                                                   monkeypatch):
    """The draft and its actions are one unit of work: the RETEX, its actions and their audit rows together."""
    real_create = services.create
    calls = []

    def failing_on_the_second(**kwargs):
        calls.append(kwargs["title"])
        if len(calls) == 2:
            raise RuntimeError("the action plan is down")
        return real_create(**kwargs)

    counts = lambda: (db.session.scalar(sa.select(sa.func.count()).select_from(CorrectiveAction)),  # noqa: E731
                      db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
                          AuditEvent.action.in_(("crisis.evaluation_save", "quality.action.create")))))
    before = counts()
    drafted = [{"title": "Relancer les IDE", "owner": "Julien"}, {"title": "Doubler les masques", "owner": "Paul"}]
    monkeypatch.setattr(services, "create", failing_on_the_second)
    with pytest.raises(RuntimeError), atomic():
        retex.save(actor=crisis_referent, crisis=crisis, worked="a", not_worked="b", actions=drafted)
    assert counts() == before and retex.evaluation_of(crisis).id is None
    monkeypatch.setattr(services, "create", real_create)
    with atomic():
        retex.save(actor=crisis_referent, crisis=crisis, worked="a", not_worked="b", actions=drafted)
    assert [a.title for a in retex.evaluation_of(crisis).actions] == ["Relancer les IDE", "Doubler les masques"]
    assert counts() == (before[0] + 2, before[1] + 3)
