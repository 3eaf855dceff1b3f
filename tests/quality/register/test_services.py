"""Declaring, triaging and following EIGS through the services: what is stored, refused, audited and sent."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from stdnum.fr import nir

from crisis_app.actionplan.models import ReminderStep
from crisis_app.core.db import db, utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.models import AuditEvent
from crisis_app.core.roles import Role
from quality.register import declaring, reminders, rules, services
from quality.register.models import AdverseEvent, AdverseEventStep
from quality.register.vocab import State
from tests import factories
from tests.quality.conftest import declare, row_counts, snapshot

VALID_NIR = "2690299341732" + nir.calc_check_digits("2690299341732")


@pytest.fixture
def people(personas):
    return personas[Role.PROFESSIONAL].user, personas[Role.QUALITY_REFERENT].user


def _audit(event_id):
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.object_type == "adverse_event",
                                                               AuditEvent.object_id == str(event_id))
                                   .order_by(AuditEvent.id)))


def test_a_named_declaration_keeps_its_author_and_thanks_them_through_the_outbox(people, sent):
    author, referent = people
    declared = declare(author)
    event = declared.event
    assert event.declarer_user_id == author.id and not event.anonymous and declared.follow_up_secret is None
    assert event.state is State.DECLARE and event.severity == 2 and event.criticality == 6
    assert [m.topic for m in sent] == ["quality.ack", "quality.new_event"]
    assert sent[0].recipients[0].email == author.email and sent[1].recipients[0].email == referent.email
    assert author.full_name not in sent[1].email_text and event.reference in sent[1].subject
    assert "Deux anticoagulants" not in sent[0].email_text  # an e-mail repeats no detail of the event
    assert _audit(event.id)[0].actor_id == author.id


def test_an_anonymous_declaration_keeps_only_the_hash_of_its_follow_up_secret(people, sent):
    author, _ = people
    declared = declare(author, anonymous=True)
    event, secret = declared.event, declared.follow_up_secret
    assert event.declarer_user_id is None and event.anonymous and sent == []
    assert event.follow_up_hash == declaring.hash_secret(secret) and len(secret) >= 32
    assert declaring.event_for_secret(secret).id == event.id and declaring.event_for_secret(secret + "x") is None
    assert not any(secret in str(row) for rows in snapshot().values() for row in rows)
    assert _audit(event.id) == []  # journaled the next night, with the others of its day
    assert (event.created_at.hour, event.created_at.minute, event.created_at.second) == (0, 0, 0)
    assert declaring.journal_anonymous_declarations(now=event.created_at + timedelta(days=1, hours=2)) == 1
    audit_row = _audit(event.id)[0]
    assert audit_row.actor_id is None and audit_row.actor_label == declaring.ANONYMOUS_LABEL
    assert author.full_name not in audit_row.summary and author.email not in audit_row.summary
    assert audit_row.at == event.created_at
    assert declaring.journal_anonymous_declarations(now=event.created_at + timedelta(days=1, hours=3)) == 0


def test_without_an_account_a_declaration_must_be_anonymous():
    with pytest.raises(ServiceError) as caught:
        declare(None, anonymous=False)
    assert caught.value.fields == {"anonymous": ["Sans compte, la déclaration est anonyme."]}


@pytest.mark.parametrize("field", ["description", "immediate_measures", "barrier", "patient_informed_by"])
def test_a_valid_nir_in_any_free_text_is_refused_and_nothing_is_stored(people, sent, field):
    author, _ = people
    before = row_counts()
    with pytest.raises(ServiceError) as caught:
        declare(author, **{field: f"Patient {VALID_NIR[:1]} {VALID_NIR[1:3]} {VALID_NIR[3:5]} {VALID_NIR[5:7]} "
                                  f"{VALID_NIR[7:10]} {VALID_NIR[10:13]} {VALID_NIR[13:]}"})
    assert caught.value.status == 422 and caught.value.code == "patient_data"
    assert list(caught.value.fields) == [field] and "NIR" in caught.value.fields[field][0]
    assert row_counts() == before and sent == []


def test_missing_and_wrong_fields_are_each_named_in_french(people):
    author, _ = people
    with pytest.raises(ServiceError) as caught:
        declaring.declare(actor=author, anonymous=False, data={
            "occurred_on": utcnow().date() + timedelta(days=2), "place": "lune", "severity": 6, "likelihood": True})
    fields = caught.value.fields
    assert fields["occurred_on"] == ["La date de l'événement ne peut pas être dans le futur."]
    assert fields["place"] == ["Valeur inconnue : choisissez dans la liste."]
    assert fields["category"] == fields["description"] == fields["immediate_measures"] == ["Ce champ est obligatoire."]
    assert fields["severity"] == fields["likelihood"] == ["Choisissez une valeur de 1 à 5."]


def test_discovery_before_the_event_is_refused(people):
    with pytest.raises(ServiceError) as caught:
        declare(people[0], occurred_on=date(2026, 1, 10), discovered_on=date(2026, 1, 9))
    assert "discovered_on" in caught.value.fields


def test_triage_keeps_both_ratings_passes_through_en_tri_and_audits_each_step(people):
    author, referent = people
    event = declare(author).event
    services.triage(actor=referent, event=event, severity=3, likelihood=4, decision="crex")
    db.session.expire_all()
    assert (event.declarer_severity, event.declarer_likelihood) == (2, 3)
    assert (event.referent_severity, event.referent_likelihood, event.severity, event.criticality) == (3, 4, 3, 12)
    assert [(s.from_state, s.to_state) for s in event.history] == [
        (None, State.DECLARE), (State.DECLARE, State.EN_TRI), (State.EN_TRI, State.CREX)]
    assert [a.action for a in _audit(event.id)] == ["quality.event.declare", "quality.event.rate",
                                                    "quality.event.transition", "quality.event.transition"]


def test_severity_four_asks_eigs_or_rmm_and_another_decision_needs_a_reason(people):
    author, referent = people
    event = declare(author).event
    with pytest.raises(ServiceError) as caught:
        services.triage(actor=referent, event=event, severity=4, likelihood=2, decision="traitement_simple")
    assert caught.value.code == "eigs_question" and "EIGS ? RMM ?" in caught.value.message
    db.session.expire_all()
    assert event.state is State.DECLARE and event.referent_severity is None
    services.triage(actor=referent, event=event, severity=4, likelihood=2, decision="traitement_simple",
                    reason="Erreur récupérée sans conséquence, déjà corrigée.")
    assert event.state is State.TRAITEMENT_SIMPLE


def test_a_duplicate_is_linked_to_the_event_it_repeats(people):
    author, referent = people
    first, second = declare(author).event, declare(author).event
    with pytest.raises(ServiceError) as caught:
        services.triage(actor=referent, event=second, severity=2, likelihood=2, decision="doublon")
    assert "duplicate_of_id" in caught.value.fields
    services.triage(actor=referent, event=second, severity=2, likelihood=2, decision="doublon",
                    duplicate_of_id=first.id)
    assert second.state is State.DOUBLON and second.duplicate_of_id == first.id


def _put_in(event: AdverseEvent, state: State) -> None:
    db.session.execute(sa.update(AdverseEvent).where(AdverseEvent.id == event.id).values(state=state))
    db.session.commit()
    db.session.expire_all()


def _event_row(event: AdverseEvent) -> tuple:
    db.session.expire_all()
    return tuple(db.session.execute(sa.select(AdverseEvent.__table__).where(AdverseEvent.id == event.id)).one())


def test_every_invalid_transition_answers_409_and_changes_nothing(people):
    author, referent = people
    event = declare(author).event
    for source in State:
        _put_in(event, source)
        for target in State:
            if rules.may_move(source, target):
                continue
            before, counts = _event_row(event), row_counts()
            with pytest.raises(ServiceError) as caught:
                services.transition(actor=referent, event=event, to=target, reason="essai",
                                    duplicate_of_id=event.id, feedback="retour")
            assert caught.value.status == 409, (source, target)
            assert source.label in caught.value.message and target.label in caught.value.message
            assert _event_row(event) == before and row_counts() == counts, (source, target)


def test_a_move_from_a_stale_state_loses_to_the_one_that_landed_first(people):
    author, referent = people
    event = declare(author).event
    db.session.execute(sa.update(AdverseEvent).where(AdverseEvent.id == event.id).values(state=State.EN_TRI)
                       .execution_options(synchronize_session=False))  # another referent, meanwhile
    assert event.state is State.DECLARE  # what this referent read
    with pytest.raises(ServiceError) as caught:
        services.transition(actor=referent, event=event, to="en_tri")
    assert caught.value.status == 409
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AdverseEventStep)
                             .where(AdverseEventStep.event_id == event.id)) == 1


def test_reopening_and_not_retaining_need_a_reason(people):
    author, referent = people
    event = declare(author).event
    services.transition(actor=referent, event=event, to="en_tri")
    with pytest.raises(ServiceError) as caught:
        services.transition(actor=referent, event=event, to="non_retenu", reason="  ")
    assert caught.value.fields == {"reason": ["Dites pourquoi l'événement n'est pas retenu."]}
    services.transition(actor=referent, event=event, to="non_retenu", reason="Hors champ des soins.")
    assert event.state is State.NON_RETENU


def test_feedback_with_patient_data_is_refused(people):
    author, referent = people
    event = declare(author).event
    with pytest.raises(ServiceError) as caught:
        services.give_feedback(actor=referent, event=event, feedback="Rappelez Mme X au 06 12 34 56 78")
    assert caught.value.code == "patient_data"


def test_every_feedback_path_writes_through_one_service_that_tells_a_named_declarer(people, sent):
    """The triage, a transition and the feedback form all write the feedback the same way: the event keeps it, an
    audit row says so, and a named declarer receives it by e-mail; an anonymous one reads it on the follow-up page."""
    author, referent = people
    triaged = services.triage(actor=referent, event=declare(author).event, severity=2, likelihood=2,
                              decision="traitement_simple", feedback="Consigne diffusée.")
    moved = services.transition(actor=referent, event=services.triage(
        actor=referent, event=declare(author).event, severity=2, likelihood=2, decision="traitement_simple"),
        to="cloture", feedback="Circuit revu.")
    written = services.give_feedback(actor=referent, event=declare(author).event, feedback="Merci, c'est noté.")
    anonymous = services.give_feedback(actor=referent, event=declare(None, anonymous=True).event,
                                       feedback="Merci pour ce signalement.")
    for event, text in ((triaged, "Consigne diffusée."), (moved, "Circuit revu."), (written, "Merci, c'est noté."),
                        (anonymous, "Merci pour ce signalement.")):
        assert event.feedback == text and event.feedback_at is not None
        assert [a.action for a in _audit(event.id)].count("quality.event.feedback") == 1
    feedback = [m for m in sent if m.topic == "quality.feedback"]
    assert [m.recipients[0].email for m in feedback] == [author.email] * 3
    assert all(text in m.email_text for m, text in zip(feedback, ("Consigne", "Circuit", "noté"), strict=True))
    assert anonymous.reference not in " ".join(m.subject for m in feedback)


def _eigs(people, part1: date):
    author, referent = people
    event = declare(author, severity=5, likelihood=2).event
    services.triage(actor=referent, event=event, severity=5, likelihood=2, decision="eigs")
    return services.record_eigs(actor=referent, event=event, part1_sent_on=part1, ars_reference="ARS-1")


def test_recording_part1_on_a_month_end_sets_part2_due_three_months_later(people):
    event = _eigs(people, date(2026, 1, 31))
    assert event.eigs_part2_due_on == date(2026, 4, 30) and event.ars_reference == "ARS-1"


def test_part2_cannot_precede_part1_and_a_non_eigs_has_no_eigs_dates(people):
    event = _eigs(people, date(2026, 3, 2))
    with pytest.raises(ServiceError) as caught:
        services.record_eigs(actor=people[1], event=event, part2_sent_on=date(2026, 3, 1))
    assert "part2_sent_on" in caught.value.fields
    plain = declare(people[0]).event
    with pytest.raises(ServiceError) as caught:
        services.record_eigs(actor=people[1], event=plain, part1_sent_on=date(2026, 3, 2))
    assert caught.value.status == 409


def test_each_reminder_step_is_sent_once_even_when_the_beat_runs_twice(people, sent):
    event = _eigs(people, utcnow().date() - timedelta(days=70))
    due = event.eigs_part2_due_on
    assert reminders.run(today=due - timedelta(days=30)) == 1
    assert reminders.run(today=due - timedelta(days=30)) == 0  # the same beat again
    assert reminders.run(today=due - timedelta(days=20)) == 0  # still the J-30 step
    assert reminders.run(today=due - timedelta(days=7)) == 1
    assert reminders.run(today=due) == 1
    assert reminders.run(today=due + timedelta(days=7)) == 1
    assert reminders.run(today=due + timedelta(days=8)) == 0
    assert reminders.steps_sent(event.id) == ["j-30", "j-7", "echeance", "retard-1"]
    sent = [m for m in sent if m.topic == "quality.eigs_reminder"]
    assert len(sent) == 4
    assert sent[0].recipients[0].email == people[1].email and "dans 30 jours" in sent[0].subject


def test_a_step_another_beat_already_claimed_is_not_sent_again(people, sent):
    event = _eigs(people, utcnow().date() - timedelta(days=70))
    due = event.eigs_part2_due_on
    db.session.add(ReminderStep(kind=reminders.KIND, subject_id=event.id, step="j-7", due_on=due - timedelta(days=7)))
    db.session.commit()
    assert reminders.run(today=due - timedelta(days=7)) == 0
    assert [m for m in sent if m.topic == "quality.eigs_reminder"] == []


def test_no_reminder_once_part2_is_sent(people, sent):
    event = _eigs(people, utcnow().date() - timedelta(days=95))
    services.record_eigs(actor=people[1], event=event, part2_sent_on=utcnow().date())
    assert reminders.run(today=event.eigs_part2_due_on) == 0
    assert [m for m in sent if m.topic == "quality.eigs_reminder"] == []


def test_zones_must_be_ordered_and_the_public_link_can_be_renewed(personas):
    coordinator = personas[Role.COORDINATOR].user
    with pytest.raises(ServiceError):
        services.set_zones(actor=coordinator, acceptable_max=12, unacceptable_min=10)
    services.set_zones(actor=coordinator, acceptable_max=6, unacceptable_min=12)
    assert services.zones() == rules.Zones(6, 12)
    first = services.renew_public_link(actor=coordinator)
    assert services.public_link_valid(first)
    second = services.renew_public_link(actor=coordinator)
    assert services.public_link_valid(second) and not services.public_link_valid(first)
    assert not services.public_link_valid("")


def test_the_declarer_adds_information_screened_like_the_declaration(people):
    declared = declare(people[0], anonymous=True)
    declaring.add_information(event=declared.event, text="Le lit a été livré avec ses barrières.", actor=None)
    with pytest.raises(ServiceError):
        declaring.add_information(event=declared.event, text="contact : marie@example.org", actor=None)
    assert [n.text for n in declared.event.notes] == ["Le lit a été livré avec ses barrières."]
    # journaled with the night's batch, not beside the rows of the hour it was written in
    assert [a.action for a in _audit(declared.event.id)] == []
    declaring.journal_anonymous_declarations(now=declared.event.notes[0].at + timedelta(days=1))
    db.session.commit()
    note_rows = [a for a in _audit(declared.event.id) if a.action == "quality.event.note"]
    assert [(a.actor_label, a.at.time().isoformat()) for a in note_rows] == [(declaring.ANONYMOUS_LABEL, "00:00:00")]


def test_the_daily_beat_task_sends_what_is_due_and_nothing_twice(app, people, sent):
    from quality.register import tasks

    _eigs(people, utcnow().date() - timedelta(days=62))  # part 2 due in 27 to 30 days: the J-30 step
    assert tasks.eigs_reminders() == 1
    assert tasks.eigs_reminders() == 0
    assert "quality-eigs-reminders" in app.extensions["celery"].conf.beat_schedule


def test_a_grave_declaration_reaches_the_referent_by_sms_too_with_the_ars_deadline(people, sent):
    author, referent = people
    entry = factories.reachable_professional(channels=("sms", "email"))
    entry.user_id = referent.id
    db.session.commit()
    event = declare(author, severity=5, likelihood=2).event
    [told] = [m for m in sent if m.topic == "quality.new_event"]
    assert "sans délai" in told.sms_text and event.reference in told.sms_text
    [recipient] = told.recipients
    assert recipient.email == referent.email and recipient.sms == entry.mobile_phone
    assert set(recipient.channels) == {"sms", "email"}


def test_anonymous_declarations_are_announced_together_by_the_hourly_task(people, sent):
    author, referent = people
    first = declare(author, anonymous=True).event
    second = declare(None, anonymous=True).event
    assert [m.topic for m in sent] == []  # nothing at the moment of the declaration
    assert declaring.announce_anonymous_declarations() == 2
    db.session.commit()
    told = [m for m in sent if m.topic == "quality.new_event"]
    assert sorted(m.about_id for m in told) == sorted([first.id, second.id])
    assert {r.email for m in told for r in m.recipients} == {referent.email}
    assert declaring.announce_anonymous_declarations() == 0
