"""The outbox every domain sends through: in the caller's transaction, enqueued after its commit, attachments as
real MIME parts, personal links hidden from the people who follow the sends."""

from __future__ import annotations

import email
from email import policy

import pytest
import sqlalchemy as sa

from crisis_app.core.db import db
from crisis_app.core.notifications import outbox
from crisis_app.core.notifications.models import Delivery, Message, MessageAttachment
from crisis_app.core.roles import Role
from tests.alerts.conftest import live_channels  # noqa: F401 - fixture
from tests.conftest import csrf_token  # noqa: F401

# A real (tiny) PDF: what WeasyPrint writes starts and ends like this.
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n" + bytes(range(256)))


def _people():
    return [outbox.Recipient(name="Anne Martin", email="anne@example.org", sms="+33639989902"),
            outbox.Recipient(name="Sans adresse"),
            outbox.Recipient(name="ARS Occitanie", email="ars@example.org", ref_type="organisation_contact", ref_id=3)]


def _send(**overrides):
    values = {"topic": "test.retex", "subject": "RETEX de la crise", "email_text": "Bonjour, voici le RETEX.",
              "recipients": _people(), "channels": ("email",), "label": "Partenaires",
              "attachments": [outbox.Attachment("retex.pdf", "application/pdf", PDF)]}
    values.update(overrides)
    return outbox.send_message(**values)


@pytest.fixture
def enqueued(monkeypatch):
    calls = []
    monkeypatch.setattr(outbox, "enqueue", calls.append)
    return calls


def test_the_caller_commits_and_only_then_is_the_fan_out_enqueued(db_session, enqueued):
    message = _send()
    assert (message.recipient_count, message.unreachable_count, message.delivery_count) == (2, 1, 2)
    assert enqueued == []  # not before the caller's commit
    db.session.commit()
    assert enqueued == [message.id]
    db.session.commit()
    assert enqueued == [message.id]  # once


def test_a_caller_that_rolls_back_leaves_no_message_and_enqueues_nothing(db_session, enqueued):
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Message))
    _send()
    db.session.rollback()
    db.session.commit()
    assert enqueued == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Message)) == before


def test_the_outbox_never_commits_the_callers_pending_work(db_session, enqueued):
    from crisis_app.core.models import AuditEvent

    db.session.add(AuditEvent(action="test.pending", object_type="test", summary="pending", actor_label="test"))
    _send()
    db.session.rollback()  # the caller changes its mind: its row and the message go together
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "test.pending")) is None


def test_a_pdf_attachment_reaches_the_smtp_server_intact(app, db_session, live_channels, smtp_server, monkeypatch):  # noqa: F811
    monkeypatch.setattr(app.extensions["celery"].conf, "task_always_eager", True)
    monkeypatch.setattr(app.extensions["celery"].conf, "task_eager_propagates", True)
    message = _send()
    db.session.commit()
    assert sorted(m["to"][0] for m in smtp_server.messages) == ["anne@example.org", "ars@example.org"]
    for received in smtp_server.messages:
        parsed = email.message_from_string(received["data"], policy=policy.default)
        [part] = list(parsed.iter_attachments())
        assert part.get_content_type() == "application/pdf" and part.get_filename() == "retex.pdf"
        assert part.get_content() == PDF
        assert "voici le RETEX" in parsed.get_body(("plain",)).get_content()
    states = db.session.scalars(sa.select(Delivery.state).where(Delivery.message_id == message.id)).all()
    assert {s.value for s in states} == {"sent"}


def test_the_coordinator_downloads_an_attachment_and_the_cellule_may_not(client, personas, login, enqueued):
    message = _send()
    db.session.commit()
    attachment = db.session.scalar(sa.select(MessageAttachment).where(MessageAttachment.message_id == message.id))
    url = f"/messages/{message.id}/pieces-jointes/{attachment.id}"
    login(personas[Role.CRISIS_CELL])
    page = client.get(f"/messages/{message.id}")
    assert page.status_code == 200 and "retex.pdf" in page.text and url not in page.text
    assert client.get(url).status_code == 403
    client.post("/deconnexion", data={"csrf_token": csrf_token(client, "/")})
    login(personas[Role.COORDINATOR])
    assert url in client.get(f"/messages/{message.id}").text
    download = client.get(url)
    assert download.status_code == 200 and download.data == PDF and download.mimetype == "application/pdf"
    other = client.get(f"/messages/{message.id + 1}/pieces-jointes/{attachment.id}")
    assert other.status_code == 404


@pytest.mark.parametrize("role", [Role.PROFESSIONAL, Role.ARS_OBSERVER])
def test_roles_outside_the_crisis_team_do_not_read_the_outbox(client, personas, login, role, enqueued):
    message = _send()
    db.session.commit()
    login(personas[role])
    for url in ("/messages", f"/messages/{message.id}", f"/messages/{message.id}/export.csv", "/boite-d-envoi"):
        assert client.get(url).status_code == 403, url


def test_the_quality_referent_opens_the_outbox_but_not_the_crisis_side_s_messages(client, personas, login, enqueued):
    message = _send()
    db.session.commit()
    login(personas[Role.QUALITY_REFERENT])
    listing = client.get("/messages")
    assert listing.status_code == 200 and message.subject not in listing.text
    for url in (f"/messages/{message.id}", f"/messages/{message.id}/export.csv"):
        assert client.get(url).status_code == 403, url


def test_message_export_is_one_csv_row_per_delivery(client, personas, login, enqueued):
    message = _send()
    db.session.commit()
    login(personas[Role.CRISIS_CELL])
    export = client.get(f"/messages/{message.id}/export.csv")
    assert export.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert len(export.get_data(as_text=True).strip().splitlines()) == 1 + 2


def test_the_sink_masks_personal_links_but_shows_them_to_their_owner():
    from crisis_app.core.notifications.views import mask_links

    text = "Répondre : http://127.0.0.1:5000/r/12.AbCdEfGhIjKlMnOp merci"
    assert mask_links(text) == "Répondre : [lien personnel] merci"
    assert mask_links("Voir http://127.0.0.1:5000/stock") == "Voir http://127.0.0.1:5000/stock"
