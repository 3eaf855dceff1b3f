"""Pure rules: SMS size, backoff, escalation, reply parsing, placeholders."""

from datetime import timedelta

import pytest

from crisis_app.alerts.rules import escalation_channel, parse_reply, render, retry_delay, should_escalate, sms_size
from crisis_app.core.db import utcnow

OPTIONS = [{"code": "1", "label": "Disponible immédiatement"}, {"code": "4", "label": "Non disponible"}]


@pytest.mark.parametrize("text,encoding,segments", [
    ("a" * 160, "GSM-7", 1), ("a" * 161, "GSM-7", 2), ("a" * 306, "GSM-7", 2), ("a" * 307, "GSM-7", 3),
    ("é è à ù", "GSM-7", 1), ("€" * 80, "GSM-7", 1), ("€" * 81, "GSM-7", 2),
    ("ô" * 70, "UCS-2", 1), ("ô" * 71, "UCS-2", 2), ("", "GSM-7", 0),
])
def test_sms_size_counts_gsm7_and_ucs2_segments(text, encoding, segments):
    size = sms_size(text)
    assert (size.encoding, size.segments) == (encoding, segments)


def test_retry_delay_grows_and_is_capped():
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 4, 5, 9)] == [30, 120, 480, 1920, 3600, 3600]


def test_escalation_waits_for_silence_and_stops_at_the_maximum():
    now = utcnow()
    base = {"escalation_minutes": 10, "escalation_max": 2, "now": now}
    assert should_escalate(answered=False, rounds=0, last_round_at=now - timedelta(minutes=11), **base)
    assert not should_escalate(answered=False, rounds=0, last_round_at=now - timedelta(minutes=9), **base)
    assert not should_escalate(answered=True, rounds=0, last_round_at=now - timedelta(hours=1), **base)
    assert not should_escalate(answered=False, rounds=2, last_round_at=now - timedelta(hours=1), **base)
    assert [escalation_channel(["email", "sms"], r) for r in range(4)] == ["email", "sms", "email", "sms"]


def test_sms_reply_gives_the_code_and_keeps_the_free_text():
    assert parse_reply("1 j'arrive dans 20 min", OPTIONS) == ("1", "j'arrive dans 20 min")
    assert parse_reply("non", OPTIONS) == ("4", None)
    assert parse_reply("Disponible", OPTIONS) == ("1", None)
    assert parse_reply("peut-être demain", OPTIONS) == (None, "peut-être demain")


def test_placeholders_are_filled_and_unknown_ones_stay_visible():
    assert render("{cpts} : gradation {gradation} {oops}", {"cpts": "CPTS", "gradation": "2"}) == \
        "CPTS : gradation 2 {oops}"
