"""A reply from a mobile several people of the alert share is never recorded for one of them at random: a first
name in the reply picks the person; otherwise nothing is recorded and the number is asked who answers."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from crisis_app.alerts import services
from crisis_app.alerts.models import AlertAnswer
from crisis_app.core.db import db
from crisis_app.core.models import AuditEvent
from crisis_app.core.notifications.models import Message
from tests.alerts.conftest import alert_data
from tests.core.webhooks import SECRET, signed


@pytest.fixture
def shared(app, audience, monkeypatch):
    """The audience's first two people on one mobile (the practice's phone, marked shared by the coordinator); the
    third on their own."""
    monkeypatch.setitem(app.config, "WEBHOOK_SECRET", SECRET)
    anne, paul, solo = audience.people[:3]
    db.session.execute(sa.text("UPDATE professional SET first_name = 'Anne', mobile_phone = :m, mobile_shared = TRUE "
                               "WHERE id = :id"),
                       {"m": "+33639989911", "id": anne.id})
    db.session.execute(sa.text("UPDATE professional SET first_name = 'Paul', mobile_phone = :m, mobile_shared = TRUE "
                               "WHERE id = :id"),
                       {"m": "+33639989911", "id": paul.id})
    db.session.commit()
    db.session.expire_all()
    return anne, paul, solo


def _reply(app, client, ref, number, text):
    raw, headers = signed(app, {"id": ref, "from": number, "text": text})
    return client.post("/api/v1/webhooks/sms-replies", data=raw, headers=headers)


def _answers_of(alert):
    db.session.expire_all()
    return {r.professional_id: r.answer_code for r in alert.recipients}


def test_a_reply_from_a_shared_mobile_without_a_name_is_recorded_for_nobody(app, client, referent, audience,
                                                                            shared, eager):
    anne, paul, solo = shared
    alert = services.send_alert(actor=referent, data=alert_data(audience))
    assert _reply(app, client, "shared-1", "+33639989911", "1").status_code == 204
    answers = _answers_of(alert)
    assert answers[anne.id] is None and answers[paul.id] is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AlertAnswer)) == 0
    audit = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "alert.reply_ambiguous"))
    assert "partagé par 2 personnes" in audit.summary and "non enregistrée" in audit.summary
    asked = db.session.scalar(sa.select(Message).where(Message.topic == "alert.reply_which"))
    assert asked is not None and [r.sms for r in asked.recipients] == ["+33639989911"]
    assert "par exemple \"1 " in asked.sms_text and "n'est pas enregistrée" in asked.sms_text


def test_a_first_name_in_the_reply_picks_the_person(app, client, referent, audience, shared, eager):
    anne, paul, solo = shared
    alert = services.send_alert(actor=referent, data=alert_data(audience))
    assert _reply(app, client, "shared-2", "+33639989911", "2 Paul").status_code == 204
    answers = _answers_of(alert)
    assert answers[paul.id] == "2" and answers[anne.id] is None


def test_a_mobile_of_one_person_answers_as_before(app, client, referent, audience, shared, eager):
    anne, paul, solo = shared
    alert = services.send_alert(actor=referent, data=alert_data(audience))
    assert _reply(app, client, "solo-1", solo.mobile_phone, "1").status_code == 204
    assert _answers_of(alert)[solo.id] == "1"
