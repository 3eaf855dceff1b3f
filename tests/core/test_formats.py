"""French formats from Babel: what a reader of a page, a PDF or an SMS sees."""

from datetime import timedelta

from crisis_app.core.formats import duree, nombre, pluriel, pourcent

NBSP = "\u00a0"
NNBSP = "\u202f"


def test_numbers_use_a_comma_and_a_narrow_space_between_thousands():
    assert nombre(12.5) == "12,5"
    assert nombre(1234567) == f"1{NNBSP}234{NNBSP}567"
    assert nombre(3, 2) == "3,00"
    assert nombre(None) == ""


def test_percents_have_no_useless_decimals():
    assert pourcent(1.0) == f"100{NBSP}%"
    assert pourcent(0.125, 1) == f"12,5{NBSP}%"
    assert pourcent(0.5, 1) == f"50{NBSP}%"


def test_durations_read_as_hours_and_minutes():
    assert duree(timedelta(minutes=65)) == f"1{NBSP}h{NBSP}05"
    assert duree(timedelta(minutes=6)) == f"6{NBSP}min"
    assert duree(30) == f"30{NNBSP}s"
    assert duree(timedelta(hours=26, minutes=10)) == f"26{NBSP}h{NBSP}10"
    assert duree(timedelta(days=3)) == f"3{NBSP}jours"


def test_plurals_follow_french_rules():
    assert pluriel(73, "boîte", "boîtes") == f"73{NBSP}boîtes"
    assert pluriel(1, "unité", "unités") == f"1{NBSP}unité"
    assert pluriel(0, "pièce", "pièces") == f"0{NBSP}pièce"
    assert pluriel(2, "pièce jointe", "pièces jointes", with_count=False) == "pièces jointes"
