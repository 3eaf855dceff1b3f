"""No document calls itself anonymous unless it passes: a name planted in the database (as if stored before the
screen knew names) blocks the agenda, the minutes, the EIGS drafts and the annual report; redacted, they pass."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from crisis_app.core.db import db, utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.notifications.models import Message
from crisis_app.core.roles import Role
from quality.register import redaction, services
from quality.sessions import agenda as session_agenda
from quality.sessions import minutes
from quality.sessions import services as sessions
from quality.sessions.models import QualitySession
from tests.documents import fetch
from tests.quality.conftest import declare
from tests.quality.sessionkit import crex, event_for_crex, minutes_made

PLANTED = "Mme Josette Martin a reçu une double dose."


@pytest.fixture
def referent(personas):
    return personas[Role.QUALITY_REFERENT].user


def _plant(event, field="description", text=PLANTED):
    db.session.execute(sa.text(f"UPDATE adverse_event SET {field} = :d WHERE id = :i"), {"d": text, "i": event.id})
    db.session.commit()
    db.session.refresh(event)


def _held(referent, event) -> QualitySession:
    session = crex(referent, [event], days=1)
    db.session.execute(sa.update(QualitySession).where(QualitySession.id == session.id)
                       .values(starts_at=utcnow() - timedelta(hours=2)))
    db.session.commit()
    db.session.refresh(session)
    sessions.set_attendance(actor=referent, session=session, present_ids=[p.id for p in session.participants])
    return sessions.hold(actor=referent, session=session, summary="Analyse faite, deux actions décidées.")


def test_a_planted_name_blocks_the_agenda_until_redacted(referent, personas):
    event = event_for_crex(referent, personas[Role.PROFESSIONAL].user)
    crex(referent, [event], days=5)
    _plant(event)
    assert session_agenda.agendas_due() == 0
    assert db.session.scalar(sa.select(Message).where(Message.topic == "quality.session.agenda")) is None
    redaction.redact(actor=referent, event=event, field="description", passage="Mme Josette Martin",
                     replacement="patient")
    db.session.commit()
    assert session_agenda.agendas_due() == 1
    message = db.session.scalar(sa.select(Message).where(Message.topic == "quality.session.agenda"))
    assert "[patient] a reçu une double dose" in message.email_text and "Martin" not in message.email_text


def test_the_minutes_with_a_planted_name_are_not_produced_and_the_page_says_where(login, personas, referent):
    event = event_for_crex(referent, personas[Role.PROFESSIONAL].user)
    session = _held(referent, event)
    _plant(event)
    with pytest.raises(ServiceError) as refused:
        minutes.make(actor=referent, session=session)
    assert refused.value.status == 409 and "Mme Josette Martin" in refused.value.message
    db.session.refresh(session)
    assert session.minutes_at is None
    page = login(personas[Role.QUALITY_REFERENT]).get(f"/qualite/seances/{session.id}")
    assert 'data-testid="document-blocked"' in page.text and f"/qualite/evenements/{event.id}#caviarder" in page.text
    assert "Ordre du jour (anonymisé)" not in page.text


def test_minutes_that_pass_say_so(referent, personas):
    from io import BytesIO

    from pypdf import PdfReader

    event = event_for_crex(referent, personas[Role.PROFESSIONAL].user)
    session = minutes.make(actor=referent, session=_held(referent, event))
    text = " ".join(p.extract_text() for p in PdfReader(BytesIO(minutes_made(session))).pages)
    assert "sans donnée identifiant un patient" in " ".join(text.split())


def test_the_eigs_drafts_are_blocked_by_a_planted_name(login, personas, referent):
    event = declare(personas[Role.PROFESSIONAL].user, severity=5, likelihood=2).event
    services.triage(actor=referent, event=event, severity=5, likelihood=2, decision="eigs")
    services.record_eigs(actor=referent, event=event, part1_sent_on=date.today())
    db.session.commit()
    client = login(personas[Role.QUALITY_REFERENT])
    assert fetch(client, f"/qualite/evenements/{event.id}/eigs/partie-1.pdf").status_code == 200
    _plant(event, "immediate_measures", "Appel à M. Benali pour prévenir.")
    blocked = client.get(f"/qualite/evenements/{event.id}/eigs/partie-1.pdf")
    assert blocked.status_code == 409 and "M. Benali" in blocked.text
    assert 'data-testid="document-blocked"' in client.get(f"/qualite/evenements/{event.id}/eigs").text
