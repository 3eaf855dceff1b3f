"""Short SMS reply codes: with several alerts open, "B2" answers alert B with its option 2, a bare reply the latest
alert the person was asked, and a code that names nothing of theirs gets one help SMS listing their codes (at most
one per number per half hour). All through the real signed reply webhook."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from crisis_app.alerts import messages, replies, services
from crisis_app.alerts.models import Alert, AlertAnswer
from crisis_app.core import gsm
from crisis_app.core.db import db, utcnow
from crisis_app.core.models import AuditEvent
from crisis_app.core.notifications.models import Message
from crisis_app.directory.audiences import services as audiences
from tests.alerts.conftest import alert_data
from tests.core.webhooks import SECRET, signed


@pytest.fixture(autouse=True)
def webhook_secret(app, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOK_SECRET", SECRET)


def _reply(app, client, ref, number, text):
    raw, headers = signed(app, {"id": ref, "from": number, "text": text})
    return client.post("/api/v1/webhooks/sms-replies", data=raw, headers=headers)


def _answer(alert, person):
    db.session.expire_all()
    return next((r.answer_code, r.answer_value) for r in db.session.get(Alert, alert.id).recipients
                if r.professional_id == person.id)


def _helps(number):
    return list(db.session.scalars(sa.select(Message).join(Message.recipients)
                                   .where(Message.topic == replies.HELP_TOPIC,
                                          Message.recipients.any(sms=number))))


@pytest.fixture
def two_alerts(referent, audience):
    first = services.send_alert(actor=referent, data=alert_data(audience, title="Renfort vaccination"))
    second = services.send_alert(actor=referent, data=alert_data(audience, title="Cabinets ouverts tard",
                                                                 question="liberal"))
    return first, second


def test_each_open_alert_gets_its_own_letter_and_its_sms_lists_the_codes(app, two_alerts, monkeypatch):
    monkeypatch.setitem(app.config, "SMS_REPLIES", True)
    first, second = two_alerts
    assert (first.reply_code, second.reply_code) == ("A", "B")
    with app.test_request_context():
        sms = messages.sms_body(second, "message", "https://vigie.example/r/x")
    assert "ou par SMS : B1 Disponible / B2 Cabinet ouvert jusqu'" in sms
    assert "(ex. B2 20h)" in sms and "B4 Non disponible" in sms
    assert gsm.check(sms).encoding == "GSM-7"  # the codes and labels cost no UCS-2 (70 characters per SMS)


def test_a_letter_of_an_alert_that_just_ended_is_not_given_again_at_once(referent, audience, two_alerts):
    first, _ = two_alerts
    services.cancel_alert(actor=referent, alert=first)
    third = services.send_alert(actor=referent, data=alert_data(audience, title="Troisième"))
    assert third.reply_code == "C"


def test_a_coded_reply_answers_the_alert_it_names(app, client, audience, two_alerts, eager):
    first, second = two_alerts
    person = audience.people[0]
    assert _reply(app, client, "code-1", person.mobile_phone, "a1 j'arrive").status_code == 204
    assert _answer(first, person) == ("1", None) and _answer(second, person) == (None, None)
    assert _reply(app, client, "code-2", person.mobile_phone, "B2 20h30").status_code == 204
    assert _answer(second, person) == ("2", "20:30") and _answer(first, person) == ("1", None)


def test_a_bare_reply_answers_the_latest_alert_as_before(app, client, audience, two_alerts, eager):
    first, second = two_alerts
    person = audience.people[1]
    assert _reply(app, client, "bare-1", person.mobile_phone, "3 2").status_code == 204
    assert _answer(second, person) == ("3", "2") and _answer(first, person) == (None, None)


def test_an_unknown_code_gets_one_help_sms_listing_the_persons_codes(app, client, audience, two_alerts, eager):
    person = audience.people[0]
    assert _reply(app, client, "unknown-1", person.mobile_phone, "Z1").status_code == 204
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AlertAnswer)) == 0
    [help_message] = _helps(person.mobile_phone)
    assert "Code \"Z1\" inconnu" in help_message.sms_text
    assert "A1 Disponible" in help_message.sms_text and "B2 Cabinet" in help_message.sms_text
    assert gsm.check(help_message.sms_text).encoding == "GSM-7"
    # a second wrong code within the half hour: audited, no second SMS (two robots would stop here)
    assert _reply(app, client, "unknown-2", person.mobile_phone, "A9").status_code == 204
    assert len(_helps(person.mobile_phone)) == 1
    audit = db.session.scalars(sa.select(AuditEvent.summary).where(AuditEvent.action == "alert.reply_help")
                               .order_by(AuditEvent.id)).all()
    assert len(audit) == 2 and "pas de nouvel SMS" in audit[1]


def test_a_help_sms_is_sent_again_after_the_quiet_period(app, client, audience, two_alerts, eager):
    person = audience.people[0]
    _reply(app, client, "late-1", person.mobile_phone, "Z1")
    db.session.execute(sa.update(Message).where(Message.topic == replies.HELP_TOPIC)
                       .values(created_at=utcnow() - timedelta(minutes=replies.HELP_MINUTES + 1)))
    db.session.commit()
    _reply(app, client, "late-2", person.mobile_phone, "Z2")
    assert len(_helps(person.mobile_phone)) == 2


def test_a_code_of_an_alert_the_person_was_not_asked_gets_help(app, client, referent, audience, two_alerts, eager):
    only_first = audiences.save_audience(actor=referent, data={"name": "Une seule", "kind": "list",
                                                               "professional_ids": [audience.people[0].id]})
    third = services.send_alert(actor=referent, data=alert_data(only_first, title="Pour une seule"))
    assert third.reply_code == "C"
    other = audience.people[1]
    _reply(app, client, "notasked-1", other.mobile_phone, "C1")
    assert _answer(third, audience.people[0]) == (None, None)
    [help_message] = _helps(other.mobile_phone)
    assert "Pour une seule" not in help_message.sms_text and "A1 Disponible" in help_message.sms_text


def test_a_value_missing_from_a_coded_reply_records_nothing_and_says_what_to_write(app, client, audience,
                                                                                  two_alerts, eager):
    _, second = two_alerts
    person = audience.people[2]
    _reply(app, client, "novalue-1", person.mobile_phone, "B2 ce soir")
    assert _answer(second, person) == (None, None)
    [help_message] = _helps(person.mobile_phone)
    assert "Indiquez une heure, par exemple 20h" in help_message.sms_text


def test_a_number_with_no_open_alert_gets_no_sms_back(app, client, audience, eager):
    assert _reply(app, client, "stranger-1", "+33639980000", "Z1").status_code == 204
    assert _helps("+33639980000") == []


def test_when_every_letter_is_taken_the_alert_goes_without_a_code_and_bare_replies_still_work(
        app, client, referent, audience, monkeypatch, eager):
    monkeypatch.setattr(replies, "LETTERS", "A")
    monkeypatch.setitem(app.config, "SMS_REPLIES", True)
    services.send_alert(actor=referent, data=alert_data(audience, title="Première"))
    second = services.send_alert(actor=referent, data=alert_data(audience, title="Seconde"))
    assert second.reply_code is None
    with app.test_request_context():
        assert "ou par SMS : 1 Disponible" in messages.sms_body(second, "message", "https://vigie.example/r/x")
    person = audience.people[0]
    _reply(app, client, "bare-nocode", person.mobile_phone, "2")
    assert _answer(second, person) == ("2", None)
