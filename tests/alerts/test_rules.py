"""Pure rules: SMS size, backoff, escalation, reply parsing, placeholders."""

from datetime import timedelta

import pytest

from crisis_app.alerts.rules import (
    ParsedReply,
    escalation_channel,
    parse_reply,
    parse_value,
    render,
    retry_delay,
    short_code,
    should_escalate,
    sms_size,
    value_label,
)
from crisis_app.core.db import utcnow
from crisis_app.core.vocabulary import is_available, options_for

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
    assert parse_reply("1 j'arrive dans 20 min", OPTIONS) == ParsedReply("1", comment="j'arrive dans 20 min")
    assert parse_reply("non", OPTIONS) == ParsedReply("4")
    assert parse_reply("Disponible", OPTIONS) == ParsedReply("1")
    assert parse_reply("peut-être demain", OPTIONS) == ParsedReply(None, comment="peut-être demain")


def test_placeholders_are_filled_and_unknown_ones_stay_visible():
    assert render("{cpts} : gradation {gradation} {oops}", {"cpts": "CPTS", "gradation": "2"}) == \
        "CPTS : gradation 2 {oops}"


LIBERAL = options_for("liberal")


def test_a_liberal_reply_reads_the_value_after_the_option():
    """ "2 20h" is option 2 (cabinet ouvert jusqu'à) with 20:00; what follows the value stays the comment."""
    assert parse_reply("2 20h", LIBERAL) == ParsedReply("2", value="20:00")
    assert parse_reply("2 20 h 30 je ferme tard", LIBERAL) == ParsedReply("2", value="20:30", comment="je ferme tard")
    assert parse_reply("cabinet 21:15", LIBERAL) == ParsedReply("2", value="21:15")
    assert parse_reply("3 4 demi-journées", LIBERAL) == ParsedReply("3", value="4", comment="demi-journées")
    assert parse_reply("5 3", LIBERAL) == ParsedReply("5", value="3")
    assert parse_reply("non", LIBERAL) == ParsedReply("4")


def test_a_liberal_reply_without_its_value_says_what_to_write():
    assert parse_reply("2", LIBERAL).error == "Indiquez une heure, par exemple 20h ou 20h30."
    assert parse_reply("2 25h", LIBERAL).error and parse_reply("2 25h", LIBERAL).value is None
    assert parse_reply("3 beaucoup", LIBERAL).error == "Indiquez un nombre de 0 à 99."


@pytest.mark.parametrize(("kind", "text", "stored"), [
    ("time", "20h", "20:00"), ("time", "8H45", "08:45"), ("time", "20:30", "20:30"), ("time", "19", "19:00"),
    ("count", "3", "3"), ("count", "07", "7"), ("flag", "Oui", "oui"), ("flag", "n", "non"), (None, "x", None)])
def test_values_are_stored_in_one_form(kind, text, stored):
    assert parse_value(kind, text) == stored


@pytest.mark.parametrize(("kind", "text"), [("time", "24h"), ("time", "20h75"), ("time", ""), ("count", "100"),
                                            ("count", "-1"), ("count", "2.5"), ("flag", "peut-être")])
def test_unreadable_values_are_refused_with_a_french_message(kind, text):
    with pytest.raises(ValueError, match="^Indiquez"):
        parse_value(kind, text)


def test_values_read_as_a_person_writes_them():
    assert value_label("time", "20:00") == "20\u00a0h" and value_label("time", "08:30") == "8\u00a0h\u00a030"
    assert value_label("count", "3") == "3" and value_label(None, None) == ""


def test_a_short_code_is_a_letter_and_the_option_place():
    assert short_code("B2 20h") == ("B", 2, "20h")
    assert short_code("a1") == ("A", 1, "")
    assert short_code("1") is None and short_code("A") is None and short_code("OK") is None
    assert short_code("A 1") is None  # "A" is the cellule's "J'arrive": a code has no space


def test_declining_answers_are_not_counted_available():
    assert is_available("liberal", "4") is False and is_available("liberal", "2") is True
    assert is_available("cell", "N") is False and is_available("ack", "OK") is None
    assert is_available("availability", None) is None
