"""The delivery engine's hard cases: a message that cannot be written is a permanent failure recorded with its
reason (never re-queued for ever), attempts are capped, and the message's page says why."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from crisis_app.core.db import db, utcnow
from crisis_app.core.notifications import engine, outbox
from crisis_app.core.notifications.models import Delivery, DeliveryState
from crisis_app.core.roles import Role
from tests.alerts.conftest import live_channels  # noqa: F401 - fixture


@pytest.fixture
def eager(app, monkeypatch):
    monkeypatch.setattr(app.extensions["celery"].conf, "task_always_eager", True)
    monkeypatch.setattr(app.extensions["celery"].conf, "task_eager_propagates", True)


def _send(subject: str):
    message = outbox.send_message(topic="stock.warnings", subject=subject, email_text="Deux lots expirent.",
                                  recipients=[outbox.Recipient(name="Anne Martin", email="anne@example.org"),
                                              outbox.Recipient(name="Paul Durand", email="paul@example.org")],
                                  channels=("email",))
    db.session.commit()
    return message


def _deliveries(message):
    db.session.expire_all()
    return db.session.scalars(sa.select(Delivery).where(Delivery.message_id == message.id)
                              .order_by(Delivery.id)).all()


def test_a_line_feed_in_a_subject_is_a_permanent_failure_with_its_reason(app, db_session, live_channels,  # noqa: F811
                                                                          smtp_server, eager):
    message = _send("Canicule\nniveau 2")
    deliveries = _deliveries(message)
    assert [d.state for d in deliveries] == [DeliveryState.PERMANENT_FAILURE] * 2
    assert all("en-tête invalide (saut de ligne dans l'objet ?)" in d.last_error for d in deliveries)
    assert smtp_server.messages == []
    engine.sweep(utcnow() + timedelta(hours=2))  # the sweeper has nothing to take up again
    assert [d.state for d in _deliveries(message)] == [DeliveryState.PERMANENT_FAILURE] * 2


def test_the_same_batch_still_sends_the_messages_that_can_be_written(app, db_session, live_channels,  # noqa: F811
                                                                      smtp_server, eager):
    broken, fine = _send("Canicule\r\nniveau 2"), _send("Canicule niveau 2")
    assert {d.state for d in _deliveries(broken)} == {DeliveryState.PERMANENT_FAILURE}
    assert {d.state for d in _deliveries(fine)} == {DeliveryState.SENT}
    assert len(smtp_server.messages) == 2


def _stuck(message, attempts: int) -> Delivery:
    delivery = _deliveries(message)[0]
    db.session.execute(sa.update(Delivery).where(Delivery.id == delivery.id)
                       .values(state=DeliveryState.SENDING, attempts=attempts,
                               sending_since=utcnow() - timedelta(hours=1)))
    db.session.commit()
    return delivery


def test_a_delivery_interrupted_at_every_try_is_given_up_at_the_cap(app, db_session, monkeypatch):
    monkeypatch.setattr(outbox, "enqueue", lambda message_id: None)
    cap = app.config["ALERT_MAX_ATTEMPTS"]
    message = _send("Stock : 2 alertes")
    _stuck(message, cap - 1)
    assert engine.requeue_stuck(utcnow()) == 1
    assert _deliveries(message)[0].state is DeliveryState.QUEUED  # one more try left
    given_up = _stuck(message, cap)
    assert engine.requeue_stuck(utcnow()) == 0
    [row] = [d for d in _deliveries(message) if d.id == given_up.id]
    assert row.state is DeliveryState.PERMANENT_FAILURE and f"abandonné après {cap} essais" in row.last_error


def test_the_message_page_says_why_deliveries_failed(app, client, personas, login, db_session, monkeypatch):
    monkeypatch.setattr(outbox, "enqueue", lambda message_id: None)
    message = _send("Stock : 2 alertes")
    for delivery in _deliveries(message):
        db.session.execute(sa.update(Delivery).where(Delivery.id == delivery.id)
                           .values(state=DeliveryState.PERMANENT_FAILURE, attempts=6,
                                   last_error="abandonné après 6 essais : chaque envoi s'est interrompu"))
    db.session.commit()
    login(personas[Role.CRISIS_CELL])
    page = client.get(f"/messages/{message.id}")
    assert page.status_code == 200
    assert "Pourquoi des envois ont échoué" in page.text
    assert "abandonné après 6 essais : chaque envoi s&#39;est interrompu : <strong>2\u00a0envois</strong>" in page.text
    assert "(6\u00a0essais)" in page.text
