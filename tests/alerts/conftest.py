"""Alert fixtures: an audience of reachable people, a real SMTP server and a real HTTP SMS gateway on loopback."""

from __future__ import annotations

import pytest

from crisis_app.core.roles import Role
from crisis_app.directory.audiences import services as audiences
from tests import factories


@pytest.fixture
def live_channels(app, monkeypatch, sms_gateway, smtp_server):
    """Real channels instead of the outbox: SMS through apprise json:// to the gateway, e-mail over SMTP."""
    monkeypatch.setitem(app.config, "DELIVERY_MODE", "live")
    monkeypatch.setitem(app.config, "SMS_URL", f"json://127.0.0.1:{sms_gateway.port}/sms?:to={{to}}")
    monkeypatch.setitem(app.config, "SMTP_URL", f"smtp://127.0.0.1:{smtp_server.port}")
    monkeypatch.setitem(app.config, "CHANNEL_RATES", {"sms": 0, "email": 0, "room": 0})
    app.extensions.pop("vigie_buckets", None)
    yield
    app.extensions.pop("vigie_buckets", None)


@pytest.fixture
def referent(personas):
    return personas[Role.CRISIS_REFERENT].user


@pytest.fixture
def audience(referent):
    """Three reachable people and one without any consent, as a fixed list."""
    people = [factories.reachable_professional() for _ in range(3)] + [factories.reachable_professional(channels=())]
    aud = audiences.save_audience(actor=referent, data={"name": "Groupe de test", "kind": "list",
                                                        "professional_ids": [p.id for p in people]})
    aud.people = people
    return aud


def alert_data(audience, **overrides) -> dict:
    data = {"title": "Renfort centre de vaccination", "sms_text": "CPTS : renfort demandé demain 8 h.",
            "email_text": "Bonjour,\nRenfort demandé demain 8 h.", "audience_id": audience.id,
            "channels": ["sms", "email"], "question": "availability"}
    data.update(overrides)
    return data


@pytest.fixture
def eager(app, monkeypatch):
    """Tasks run inline, as a worker would run them, so a test sees the whole fan-out."""
    monkeypatch.setattr(app.extensions["celery"].conf, "task_always_eager", True)
    monkeypatch.setattr(app.extensions["celery"].conf, "task_eager_propagates", True)


@pytest.fixture
def queued(app, monkeypatch):
    """Enqueueing records what would be sent to the broker instead of sending it."""
    calls = []
    from crisis_app.core.notifications import tasks

    monkeypatch.setattr(tasks.dispatch_message, "delay", lambda *a: calls.append(("dispatch", a)))
    monkeypatch.setattr(tasks.send_batch, "apply_async",
                        lambda args=(), queue=None, **kw: calls.append(("batch", tuple(args), queue)))
    return calls
