"""The quality référent opens the messages she sent for a session and downloads its .ics; the crisis side does not."""

from __future__ import annotations

import pytest
from icalendar import Calendar

from crisis_app.core.roles import Role
from tests.quality.sessionkit import crex


@pytest.fixture
def referent(personas):
    return personas[Role.QUALITY_REFERENT].user


def test_the_referent_opens_her_invitation_and_downloads_the_ics(client, login, personas, referent):
    session = crex(referent, invite=True)
    login(personas[Role.QUALITY_REFERENT])
    page = client.get(f"/qualite/seances/{session.id}")
    assert page.status_code == 200 and "Messages envoyés pour cette séance" in page.text
    [message] = _sent(session, referent)
    assert client.get(f"/messages/{message.id}").status_code == 200
    [attachment] = [a for a in message.attachments if a.filename.endswith(".ics")]
    download = client.get(f"/messages/{message.id}/pieces-jointes/{attachment.id}")
    assert download.status_code == 200
    [event] = Calendar.from_ical(download.data).walk("VEVENT")
    assert str(event["uid"]) == session.uid


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.CRISIS_REFERENT, Role.CRISIS_CELL])
def test_the_crisis_side_does_not_read_the_session_s_messages(client, login, personas, referent, role):
    session = crex(referent, invite=True)
    [message] = _sent(session, referent)
    attachment = message.attachments[0]
    login(personas[role])
    assert client.get(f"/messages/{message.id}").status_code == 403
    assert client.get(f"/messages/{message.id}/pieces-jointes/{attachment.id}").status_code == 403


def test_the_referent_does_not_read_crisis_or_general_messages(client, login, personas, referent):
    from crisis_app.core.notifications import outbox
    from crisis_app.core.notifications.outbox import Recipient

    general = outbox.send_message(topic="stock.warnings", subject="Stock : 1 alerte", channels=("email",),
                                  recipients=[Recipient(name="X", email="x@example.org")], email_text="Détail")
    login(personas[Role.QUALITY_REFERENT])
    assert client.get(f"/messages/{general.id}").status_code == 403
    assert "Stock : 1 alerte" not in client.get("/messages").text


def _sent(session, reader):
    from crisis_app.core.notifications import outbox

    return outbox.messages_about("quality_session", session.id, reader)
