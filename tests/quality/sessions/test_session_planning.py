"""Sessions that fit a phone: events to discuss first, participants searched and chosen by group; events added or
removed on a planned session, the agenda sent again."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from crisis_app.core.db import db, utcnow
from crisis_app.core.notifications.models import Message
from crisis_app.core.roles import Role
from crisis_app.directory.audiences.models import Audience, AudienceKind, AudienceMember
from quality.sessions import agenda as session_agenda
from quality.sessions.models import QualitySession
from tests import factories
from tests.conftest import csrf_token
from tests.quality.sessionkit import crex, event_for_crex


@pytest.fixture
def referent(personas):
    return personas[Role.QUALITY_REFERENT].user


def test_the_planning_page_puts_events_first_and_offers_a_search(login, personas, referent):
    event_for_crex(referent, personas[Role.PROFESSIONAL].user)
    factories.professional()
    page = login(personas[Role.QUALITY_REFERENT]).get("/qualite/seances/nouvelle").text
    assert page.index('data-testid="agenda-events"') < page.index("data-picker")
    assert 'data-testid="participant-search"' in page and "js/quality-picker.js" in page


def test_a_group_of_the_directory_is_invited_in_one_tick(login, personas, referent):
    members = [factories.reachable_professional(channels=("email",)) for _ in range(3)]
    commission = Audience(name="Commission qualité", kind=AudienceKind.LIST, created_by_id=referent.id,
                          members=[AudienceMember(professional_id=p.id) for p in members])
    db.session.add(commission)
    db.session.commit()
    client = login(personas[Role.QUALITY_REFERENT])
    page = client.get("/qualite/seances/nouvelle").text
    assert "Commission qualité" in page
    start = (utcnow() + timedelta(days=9)).strftime("%Y-%m-%dT18:30")
    response = client.post("/qualite/seances/nouvelle", data={
        "csrf_token": csrf_token(client, "/qualite/seances/nouvelle"), "kind": "crex", "starts_at": start,
        "duration_minutes": "90", "place": "Salle 1", "audience_ids": [str(commission.id)]})
    assert response.status_code == 302
    session = db.session.scalar(sa.select(QualitySession).order_by(QualitySession.id.desc()))
    assert {p.professional_id for p in session.participants if p.professional_id} == {p.id for p in members}


def test_events_added_to_a_planned_session_send_the_agenda_again(login, personas, referent):
    declarer = personas[Role.PROFESSIONAL].user
    first, second = event_for_crex(referent, declarer), event_for_crex(referent, declarer)
    session = crex(referent, [first], days=3)
    assert session_agenda.agendas_due() == 1
    client = login(personas[Role.QUALITY_REFERENT])
    page = client.get(f"/qualite/seances/{session.id}").text
    assert 'id="modifier-ordre-du-jour"' in page
    response = client.post(f"/qualite/seances/{session.id}/ordre-du-jour", data={
        "csrf_token": csrf_token(client, f"/qualite/seances/{session.id}"),
        "event_ids": [str(first.id), str(second.id)]})
    assert response.status_code == 302
    db.session.expire_all()
    session = db.session.get(QualitySession, session.id)
    assert [i.event_id for i in session.items] == [first.id, second.id]
    assert session_agenda.agendas_due() == 1
    agendas = db.session.scalars(sa.select(Message).where(Message.topic == "quality.session.agenda")
                                 .order_by(Message.id)).all()
    assert len(agendas) == 2 and second.reference in agendas[1].email_text
    assert second.reference not in agendas[0].email_text
