"""Identifiers, phones, e-mails and freshness: pure rules with French messages."""

from datetime import UTC, datetime, timedelta

import pytest
from stdnum import luhn

from crisis_app.directory import validation
from crisis_app.directory.professionals.schemas import ProfessionalInputSchema
from crisis_app.directory.schemas import DirectoryQuerySchema

VALID_RPPS = "10003456789"[:10] + luhn.calc_check_digit("10003456789"[:10])
VALID_ADELI = "31123456"[:8] + luhn.calc_check_digit("31123456")


def test_rpps_with_a_valid_luhn_key_is_kept_without_spaces():
    spaced = f"{VALID_RPPS[:3]} {VALID_RPPS[3:]}"
    assert validation.normalize_rpps(spaced) == VALID_RPPS


@pytest.mark.parametrize("value, message", [
    ("1234", "11 chiffres"),
    ("1000345678A", "11 chiffres"),
])
def test_rpps_of_the_wrong_shape_is_refused_in_french(value, message):
    with pytest.raises(ValueError, match=message):
        validation.normalize_rpps(value)


def test_rpps_with_a_wrong_key_is_refused():
    wrong = VALID_RPPS[:-1] + str((int(VALID_RPPS[-1]) + 1) % 10)
    with pytest.raises(ValueError, match="clé de contrôle"):
        validation.normalize_rpps(wrong)


def test_adeli_has_nine_digits_and_a_luhn_key():
    assert validation.normalize_adeli(VALID_ADELI) == VALID_ADELI
    with pytest.raises(ValueError, match="9 chiffres"):
        validation.normalize_adeli("12345")
    with pytest.raises(ValueError, match="clé de contrôle"):
        validation.normalize_adeli(VALID_ADELI[:-1] + str((int(VALID_ADELI[-1]) + 1) % 10))


def test_national_id_prefixes_rpps_with_8_and_adeli_with_0():
    assert validation.national_id(VALID_RPPS, None) == "8" + VALID_RPPS
    assert validation.national_id(None, VALID_ADELI) == "0" + VALID_ADELI


def test_french_mobile_is_stored_in_e164():
    assert validation.normalize_mobile("06 12 34 56 78") == "+33612345678"
    assert validation.normalize_mobile("+33 6 39 98 12 34") == "+33639981234"  # ARCEP's fiction range


@pytest.mark.parametrize("value, message", [
    ("01 23 45 67 89", "pas un mobile"),
    ("0612", "invalide"),
    ("pas un numéro", "illisible"),
])
def test_a_number_that_cannot_receive_sms_is_refused(value, message):
    with pytest.raises(ValueError, match=message):
        validation.normalize_mobile(value)


def test_email_is_normalised_and_a_bad_one_refused():
    assert validation.normalize_email(" Jeanne.Martin@Example.org ") == "jeanne.martin@example.org"
    with pytest.raises(ValueError, match="Adresse e-mail invalide"):
        validation.normalize_email("jeanne@")


def test_freshness_is_ok_under_6_months_warn_to_12_and_alert_beyond_or_never():
    now = datetime(2026, 6, 1, tzinfo=UTC)
    assert validation.freshness(now - timedelta(days=30), now) == "ok"
    assert validation.freshness(now - timedelta(days=200), now) == "warn"
    assert validation.freshness(now - timedelta(days=400), now) == "alert"
    assert validation.freshness(None, now) == "alert"


def test_schema_names_each_bad_field_in_french():
    errors = ProfessionalInputSchema().validate({"rpps": "123", "last_name": "Martin", "first_name": "Léa",
                                                 "profession_code": "60", "mobile_phone": "0612",
                                                 "email": "léa@"})
    assert "11 chiffres" in errors["rpps"][0]
    assert errors["mobile_phone"] == ["Numéro de téléphone invalide."]
    assert errors["email"] == ["Adresse e-mail invalide."]


def test_schema_fills_the_profession_label_from_a_known_code_and_refuses_an_unknown_code():
    base = {"rpps": VALID_RPPS, "last_name": "Martin", "first_name": "Léa"}
    assert ProfessionalInputSchema().load({**base, "profession_code": "70"})["profession"] == \
        "Masseur-Kinésithérapeute"
    errors = ProfessionalInputSchema().validate({**base, "profession_code": "99", "profession": "Sorcier"})
    assert "Code profession inconnu" in errors["profession_code"][0]


def test_a_nul_character_is_refused_before_it_reaches_the_database():
    assert "q" in DirectoryQuerySchema().validate({"q": "Mar\x00tin"})


def test_empty_criteria_are_dropped_from_a_saved_filter():
    loaded = DirectoryQuerySchema().load({"q": "", "profession_code": [], "to_confirm": False})
    assert loaded == {"include_inactive": False}
