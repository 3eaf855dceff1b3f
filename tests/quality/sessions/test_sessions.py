"""Sessions: the invitation's .ics, updates and cancellations, attendance, decisions, the agenda sent once."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from crisis_app.core.db import db
from crisis_app.core.errors import ServiceError
from crisis_app.core.models import AuditEvent
from crisis_app.core.notifications.models import Message
from crisis_app.core.roles import Role
from quality import screening
from quality.analyses.models import Analysis
from quality.register import redaction, services
from quality.register.vocab import State
from quality.sessions import agenda as session_agenda
from quality.sessions import services as sessions
from quality.sessions import tasks
from quality.sessions.vocab import SessionStatus
from tests.quality.conftest import declare, row_counts
from tests.quality.sessionkit import crex, event_for_crex, minutes_made, started


@pytest.fixture
def referent(personas):
    return personas[Role.QUALITY_REFERENT].user


@pytest.fixture
def declarer(personas):
    return personas[Role.PROFESSIONAL].user


def _ics(message: Message) -> Calendar:
    attachment = next(a for a in message.attachments if a.filename.endswith(".ics"))
    assert attachment.media_type == "text/calendar"
    return Calendar.from_ical(attachment.content)


def _messages(topic: str) -> list[Message]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Message).where(Message.topic == topic).order_by(Message.id)))


def test_an_invitation_carries_an_ics_request_with_a_stable_uid_in_paris_time(referent):
    session = crex(referent, invite=True)
    [message] = _messages("quality.session.invite")
    assert message.recipient_count == 4
    calendar = _ics(message)
    [event] = calendar.walk("VEVENT")
    assert str(calendar["method"]) == "REQUEST"
    assert str(event["uid"]) == session.uid
    assert event["dtstart"].params["TZID"] == "Europe/Paris"
    assert event.decoded("dtstart") == session.starts_at
    assert calendar.walk("VTIMEZONE")[0]["tzid"] == "Europe/Paris"
    assert int(event["sequence"]) == 0


def test_a_changed_session_sends_an_update_with_the_same_uid_and_a_higher_sequence(referent):
    session = crex(referent, invite=True)
    sessions.update(actor=referent, session=session, data={"starts_at": session.starts_at + timedelta(hours=2)})
    [update] = _messages("quality.session.update")
    event = _ics(update).walk("VEVENT")[0]
    assert str(event["uid"]) == session.uid and int(event["sequence"]) == 1
    assert event.decoded("dtstart") == session.starts_at


def test_a_cancelled_session_sends_method_cancel_and_cannot_be_cancelled_twice(referent):
    session = crex(referent, invite=True)
    sessions.cancel(actor=referent, session=session, reason="Trop peu de participants disponibles")
    [message] = _messages("quality.session.cancel")
    calendar = _ics(message)
    assert str(calendar["method"]) == "CANCEL"
    assert str(calendar.walk("VEVENT")[0]["status"]) == "CANCELLED"
    before = row_counts()
    with pytest.raises(ServiceError) as refused:
        sessions.cancel(actor=referent, session=session)
    assert refused.value.status == 409
    db.session.rollback()
    assert row_counts() == before


def test_every_session_change_writes_an_audit_row(referent):
    session = crex(referent, invite=True)
    sessions.set_attendance(actor=referent, session=session, present_ids=[p.id for p in session.participants[:2]])
    sessions.hold(actor=referent, session=started(session), summary="Deux événements revus.")
    actions = set(db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.object_type == "quality_session",
                                                                         AuditEvent.object_id == str(session.id))))
    assert {"quality.session.schedule", "quality.session.invite", "quality.session.attendance",
            "quality.session.hold"} <= actions
    assert session.status is SessionStatus.HELD and session.present_count == 2


def test_holding_a_session_without_attendance_is_refused(referent):
    session = crex(referent)
    with pytest.raises(ServiceError) as refused:
        sessions.hold(actor=referent, session=started(session))
    assert "present_ids" in refused.value.fields


def test_scheduling_moves_crex_events_to_planned(referent, declarer):
    event = event_for_crex(referent, declarer)
    crex(referent, [event])
    db.session.refresh(event)
    assert event.state is State.PLANIFIE


def test_an_analysis_decision_needs_a_pilot_not_involved_in_the_event(referent, declarer, personas):
    event = event_for_crex(referent, declarer)
    session = crex(referent, [event])
    with pytest.raises(ServiceError) as refused:
        sessions.decide(actor=referent, session=session, event_id=event.id, decision="analysis",
                        pilot_user_id=declarer.id)
    assert "pilot_user_id" in refused.value.fields
    db.session.rollback()
    pilot = personas[Role.COORDINATOR].user
    sessions.decide(actor=referent, session=session, event_id=event.id, decision="analysis", pilot_user_id=pilot.id)
    analysis = db.session.scalar(sa.select(Analysis).where(Analysis.event_id == event.id))
    assert analysis.pilot_user_id == pilot.id and analysis.method == "orion"
    db.session.refresh(event)
    assert event.state is State.EN_ANALYSE


def test_the_agenda_is_sent_once_a_week_ahead_even_when_beat_runs_twice(referent, declarer):
    event = event_for_crex(referent, declarer)
    near = crex(referent, [event], days=5)
    crex(referent, days=20)
    assert session_agenda.agendas_due() == 1
    assert session_agenda.agendas_due() == 0
    [message] = _messages("quality.session.agenda")
    assert message.about_id == near.id


def test_the_agenda_names_no_declarer_and_holds_no_text_the_screen_refuses(referent, declarer):
    named = event_for_crex(referent, declarer, description="Erreur de dose chez un patient de l'officine.")
    anonymous = event_for_crex(referent, anonymous=True, description="Retard de transmission du compte rendu.")
    # a text stored before the screen learnt a pattern: the agenda must still not carry it
    db.session.execute(sa.text("UPDATE adverse_event SET description = :d WHERE id = :i"),
                       {"d": "Patient joint au 06 12 34 56 78 pour le suivi.", "i": anonymous.id})
    db.session.commit()
    session = crex(referent, [named, anonymous], days=3)
    assert session_agenda.agendas_due() == 0 and _messages("quality.session.agenda") == []  # blocked until redacted
    redaction.redact(actor=referent, event=anonymous, field="description", passage="06 12 34 56 78",
                     replacement="patient")
    db.session.commit()
    session_agenda.agendas_due()
    [message] = _messages("quality.session.agenda")
    assert declarer.full_name not in message.email_text and declarer.email not in message.email_text
    assert screening.screen_text("agenda", message.email_text) == []
    assert named.reference in message.email_text and "06 12 34 56 78" not in message.email_text
    assert session.id == message.about_id


def test_the_minutes_pdf_holds_no_declarer_no_participant_name_and_nothing_the_screen_refuses(referent, declarer):
    from io import BytesIO

    from pypdf import PdfReader

    from quality.sessions import minutes

    event = event_for_crex(referent, declarer, description="Double délivrance évitée à l'officine.")
    db.session.execute(sa.text("UPDATE adverse_event SET description = :d WHERE id = :i"),
                       {"d": "Rappeler la fille au 06 12 34 56 78.", "i": event.id})
    db.session.commit()
    session = crex(referent, [event], invite=True)
    names = [p.name for p in session.participants]
    sessions.set_attendance(actor=referent, session=session, present_ids=[p.id for p in session.participants])
    sessions.hold(actor=referent, session=started(session), summary="Revue des sorties d'hospitalisation.")
    with pytest.raises(ServiceError):
        minutes.make(actor=referent, session=session, send=True)  # blocked until redacted
    db.session.rollback()
    redaction.redact(actor=referent, event=event, field="description", passage="06 12 34 56 78",
                     replacement="patient")
    db.session.commit()
    minutes.make(actor=referent, session=session, send=True)
    db.session.commit()
    assert _messages("quality.session.minutes") == []  # the worker sends them, with the PDF it made
    assert tasks.send_minutes(session.id, referent.id) == "sent"
    pdf = minutes_made(session)  # the kept document: the one attached
    text = "\n".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)
    assert event.reference in text and "Revue des sorties" in text
    assert declarer.full_name not in text and all(name not in text for name in names)
    assert screening.screen_text("minutes", text) == [] and "06 12 34 56 78" not in text
    [sent] = _messages("quality.session.minutes")
    assert sent.attachments[0].media_type == "application/pdf" and sent.recipient_count == 4
    assert sent.attachments[0].content == pdf


def test_a_participant_added_after_the_invitation_receives_the_update(referent):
    from tests import factories

    session = crex(referent, invite=True)
    newcomer = factories.reachable_professional(channels=("email",))
    ids = [p.professional_id for p in session.participants if p.professional_id] + [newcomer.id]
    sessions.update(actor=referent, session=session, data={"professional_ids": ids, "user_ids": [referent.id]})
    [update] = _messages("quality.session.update")
    assert newcomer.email in {r.email for r in update.recipients}
    assert int(_ics(update).walk("VEVENT")[0]["sequence"]) == 1


def test_lessons_go_to_the_consented_members_of_an_audience(referent, declarer):
    from crisis_app.directory.audiences import services as audiences
    from quality.register import closure
    from tests import factories

    people = [factories.reachable_professional(channels=("email",)) for _ in range(2)]
    people.append(factories.professional())  # no consent: not reached
    audience = audiences.save_audience(actor=referent, data={"name": "Membres CPTS", "kind": "list",
                                                             "professional_ids": [p.id for p in people]})
    event = event_for_crex(referent, declarer)
    message = closure.share_lessons(actor=referent, event=event, audience_id=audience.id,
                                    lessons="Concilier les traitements à chaque sortie.")
    db.session.commit()
    reached = {r.email for r in message.recipients if r.email}
    assert reached == {people[0].email, people[1].email}
    assert declarer.full_name not in message.email_text


def test_a_session_decision_that_closes_an_event_is_one_unit_of_work(referent, declarer, monkeypatch):
    """Decide "clôturé" in a session: the event's closure (its history line and audit row) and the decision are
    one unit. When the last step (the decision's audit row) fails, nothing is written and nothing is enqueued;
    the retry closes the event once."""
    from crisis_app.core import audit
    from crisis_app.core.db import atomic
    from crisis_app.core.notifications import outbox
    from quality.register.models import AdverseEventStep
    from tests.quality.conftest import snapshot

    event = services.triage(actor=referent, event=declare(declarer).event, severity=2, likelihood=2,
                            decision="traitement_simple")
    session = crex(referent, [event])
    enqueued: list[int] = []
    monkeypatch.setattr(outbox, "enqueue", enqueued.append)
    record = audit.record

    def failing_last_step(**kwargs):
        if kwargs.get("action") == "quality.session.decision":
            raise RuntimeError("the decision's audit row cannot be written")
        return record(**kwargs)

    before = snapshot()
    monkeypatch.setattr(audit, "record", failing_last_step)
    with pytest.raises(RuntimeError), atomic():
        sessions.decide(actor=referent, session=session, event_id=event.id, decision="closed")
    assert snapshot() == before and enqueued == [] and not db.session().info.get("on_commit")
    db.session.refresh(event)
    assert event.state is State.TRAITEMENT_SIMPLE

    monkeypatch.setattr(audit, "record", record)
    with atomic():
        sessions.decide(actor=referent, session=session, event_id=event.id, decision="closed")
    db.session.refresh(event)
    assert event.state is State.CLOTURE
    closures = db.session.scalars(sa.select(AdverseEventStep).where(AdverseEventStep.event_id == event.id,
                                                                    AdverseEventStep.to_state == State.CLOTURE))
    decisions = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "quality.session.decision"))
    assert len(closures.all()) == 1 and len(decisions.all()) == 1


def test_a_session_cannot_be_held_before_its_date_nor_counted_then(referent, declarer):
    """Issue 17.12: a session dated 24/12 was marked held on 06/12 and counted in the annual report."""
    from quality.indicators import services as indicators
    from quality.sessions.models import QualitySession

    session = crex(referent, [event_for_crex(referent, declarer)], days=10)
    sessions.set_attendance(actor=referent, session=session, present_ids=[p.id for p in session.participants])
    with pytest.raises(ServiceError) as refused:
        sessions.hold(actor=referent, session=session, summary="Tenue en avance.")
    assert refused.value.status == 409 and "une fois commencée" in refused.value.message
    db.session.refresh(session)
    assert session.status.value == "scheduled"
    # a row marked held earlier (before this rule) is not counted while its date is to come
    db.session.execute(sa.update(QualitySession).where(QualitySession.id == session.id).values(status="held"))
    db.session.commit()
    assert sum(indicators.compute(session.starts_at.year)["sessions_held"].values()) == 0
