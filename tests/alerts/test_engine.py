"""The delivery engine on real transports: a local SMTP server and a local HTTP SMS gateway."""

from datetime import timedelta

import sqlalchemy as sa

from crisis_app.alerts import services
from crisis_app.core.db import db, utcnow
from crisis_app.core.models import AuditEvent
from crisis_app.core.notifications import engine
from crisis_app.core.notifications.models import Delivery, DeliveryState
from tests.alerts.conftest import alert_data


def _deliveries(alert):
    db.session.expire_all()  # the engine writes with UPDATE statements, not through these objects
    return db.session.scalars(sa.select(Delivery).where(Delivery.message_id == alert.message_id)
                              .order_by(Delivery.id)).all()


def _states(alert):
    db.session.expire_all()
    return sorted(d.state.value for d in _deliveries(alert))


def test_sending_writes_one_queued_delivery_per_reachable_person_and_channel(referent, audience, queued):
    alert = services.send_alert(actor=referent, data=alert_data(audience))
    deliveries = _deliveries(alert)
    assert len(alert.recipients) == 3 and alert.unreachable_count == 1
    assert sorted((d.channel, d.state.value) for d in deliveries) == [("email", "queued")] * 3 + [("sms", "queued")] * 3
    assert {d.address for d in deliveries if d.channel == "sms"} == {p.mobile_phone for p in audience.people[:3]}
    assert queued == [("dispatch", (alert.message_id,))]  # enqueued once, after the commit
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "alert.send")) is not None


def test_invalid_alert_is_refused_and_writes_nothing(referent, audience, queued):
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Delivery))
    for bad, field in ((alert_data(audience, channels=[]), "channels"),
                       (alert_data(audience, audience_id=999999), "audience_id"),
                       (alert_data(audience, channels=["fax"]), "channels"),
                       (alert_data(audience, escalation_max=2), "escalation_minutes")):
        try:
            services.send_alert(actor=referent, data=bad)
        except services.ServiceError as exc:
            assert field in exc.fields, exc.fields
        else:
            raise AssertionError(f"accepted {bad}")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Delivery)) == before
    assert queued == []


def test_fan_out_reaches_the_smtp_server_and_the_sms_gateway_once_each(referent, audience, live_channels, eager,
                                                                        sms_gateway, smtp_server):
    alert = services.send_alert(actor=referent, data=alert_data(audience))
    assert _states(alert) == ["sent"] * 6
    assert sorted(m["to"] for m in sms_gateway.received) == sorted(p.mobile_phone for p in audience.people[:3])
    assert sorted(m["to"][0] for m in smtp_server.messages) == sorted(p.email for p in audience.people[:3])
    assert "/r/" in sms_gateway.received[0]["message"]  # the personal answer link
    assert "Subject: Renfort centre de vaccination" in smtp_server.messages[0]["data"]


def test_a_batch_that_runs_twice_sends_each_message_once(referent, audience, live_channels, eager, sms_gateway,
                                                          smtp_server):
    alert = services.send_alert(actor=referent, data=alert_data(audience, channels=["sms"]))
    ids = [d.id for d in _deliveries(alert)]
    figures = engine.send_deliveries(ids)
    assert figures == {"sent": 0, "failed": 0, "skipped": 3}
    assert len(sms_gateway.received) == 3


def test_provider_down_gives_a_temporary_failure_then_a_retry_sends(referent, audience, live_channels, eager,
                                                                     sms_gateway):
    sms_gateway.status = 503
    alert = services.send_alert(actor=referent, data=alert_data(audience, channels=["sms"]))
    deliveries = _deliveries(alert)
    assert {d.state for d in deliveries} == {DeliveryState.TEMPORARY_FAILURE}
    assert all(d.next_attempt_at > utcnow() and "503" in d.last_error for d in deliveries)
    sms_gateway.status = 200
    assert engine.sweep()["dispatched"] == 0  # not due yet
    _age(alert, next_attempt_at=utcnow() - timedelta(seconds=1))  # the backoff has elapsed
    assert engine.sweep()["dispatched"] == 3
    assert _states(alert) == ["sent"] * 3 and len(sms_gateway.received) == 3


def _age(alert, **values):
    db.session.execute(sa.update(Delivery).where(Delivery.message_id == alert.message_id).values(**values))
    db.session.commit()


def test_smtp_server_down_is_a_temporary_failure(referent, audience, live_channels, eager, app, monkeypatch):
    monkeypatch.setitem(app.config, "SMTP_URL", "smtp://127.0.0.1:1")  # nothing listens there
    alert = services.send_alert(actor=referent, data=alert_data(audience, channels=["email"]))
    assert _states(alert) == ["temporary_failure"] * 3
    assert all("SMTP" in d.last_error for d in _deliveries(alert))


def test_refused_message_is_a_permanent_failure_and_is_not_retried(referent, audience, live_channels, eager,
                                                                   sms_gateway):
    sms_gateway.status = 400
    alert = services.send_alert(actor=referent, data=alert_data(audience, channels=["sms"]))
    assert _states(alert) == ["permanent_failure"] * 3
    sms_gateway.status = 200
    _age(alert, next_attempt_at=utcnow() - timedelta(days=1))
    engine.sweep()
    assert sms_gateway.received == [] and _states(alert) == ["permanent_failure"] * 3


def test_sweeper_requeues_what_a_dead_worker_left_in_sending(referent, audience, live_channels, queued,
                                                             sms_gateway, app):
    alert = services.send_alert(actor=referent, data=alert_data(audience, channels=["sms"]))
    ids = [d.id for d in _deliveries(alert)]
    assert engine.claim(ids) == ids  # a worker claimed them, then died before sending
    assert _states(alert) == ["sending"] * 3
    assert engine.sweep()["requeued"] == 0  # too recent: maybe still being sent
    _age(alert, sending_since=utcnow() - timedelta(seconds=app.config["ALERT_SENDING_TIMEOUT_SECONDS"] + 1))
    assert engine.sweep()["requeued"] == 3
    batches = [call[1][0] for call in queued if call[0] == "batch"]
    assert sorted(sum(batches, [])) == sorted(ids)  # handed to a worker again
    for batch in batches:  # the next worker runs them
        engine.send_deliveries(batch)
    assert _states(alert) == ["sent"] * 3 and len(sms_gateway.received) == 3


def test_cancel_holds_what_has_not_left(referent, audience, queued):
    alert = services.send_alert(actor=referent, data=alert_data(audience))
    assert services.cancel_alert(actor=referent, alert=alert) == 6
    assert _states(alert) == ["cancelled"] * 6
    assert engine.send_deliveries([d.id for d in _deliveries(alert)])["sent"] == 0


def test_end_of_alert_goes_to_the_same_recipients(referent, audience, live_channels, eager, sms_gateway):
    alert = services.send_alert(actor=referent, data=alert_data(audience, channels=["sms"]))
    assert services.end_alert(actor=referent, alert=alert, text="Fin de l'alerte, merci.") == 3
    ends = [m for m in sms_gateway.received if "fin de l'alerte" in m["message"]]
    assert sorted(m["to"] for m in ends) == sorted(p.mobile_phone for p in audience.people[:3])


def test_silence_triggers_escalation_on_the_next_channel_up_to_the_maximum(referent, audience, live_channels, eager,
                                                                           sms_gateway, smtp_server):
    alert = services.send_alert(actor=referent, data=alert_data(audience, channels=["email", "sms"],
                                                                escalation_minutes=10, escalation_max=1))
    assert len(smtp_server.messages) == 3 and sms_gateway.received == []  # first round: e-mail only
    first = alert.recipients[0]
    services.record_answer(recipient=first, code="1", comment=None, via="lien")
    assert engine.sweep(utcnow() + timedelta(minutes=5))["escalated"] == 0
    assert engine.sweep(utcnow() + timedelta(minutes=11))["escalated"] == 2
    assert sorted(m["to"] for m in sms_gateway.received) == sorted(r.mobile_phone for r in alert.recipients[1:])
    assert all(m["message"].startswith("Relance") for m in sms_gateway.received)
    assert engine.sweep(utcnow() + timedelta(hours=2))["escalated"] == 0  # escalation_max reached


def test_exercise_is_marked_in_every_message(referent, audience, live_channels, eager, sms_gateway, smtp_server):
    services.send_alert(actor=referent, data=alert_data(audience, is_exercise=True))
    assert all(m["message"].startswith("EXERCICE") for m in sms_gateway.received)
    assert all("Subject: EXERCICE" in m["data"] for m in smtp_server.messages)


def test_exercise_audience_refuses_a_real_alert(referent, audience, queued):
    audience.for_exercises = True
    db.session.commit()
    try:
        services.send_alert(actor=referent, data=alert_data(audience))
    except services.ServiceError as exc:
        assert "exercices" in exc.fields["audience_id"][0]
    else:
        raise AssertionError("real alert sent to an exercise audience")


def test_outbox_mode_keeps_what_each_person_would_have_received(referent, audience, eager):
    from crisis_app.core.notifications.models import OutboxMessage

    alert = services.send_alert(actor=referent, data=alert_data(audience))
    assert _states(alert) == ["sent"] * 6
    rows = db.session.scalars(sa.select(OutboxMessage)).all()
    assert sorted(r.channel for r in rows) == ["email"] * 3 + ["sms"] * 3
