"""A saved filter reads in words: labels, never codes or field names."""

from crisis_app.directory.audiences.criteria import describe_criteria
from tests import factories


def test_a_filter_is_described_with_the_labels_of_its_codes(db_session):
    factories.professional(commune_code="31555", commune_name="Toulouse", postal_code="31000")
    lines = describe_criteria({"profession_code": ["60", "91"], "commune_code": ["31555"],
                               "crisis_role": ["referent", "none"], "consent": "sms", "to_confirm": True,
                               "include_inactive": False})
    assert lines == ["Profession : Infirmier, Orthophoniste", "Commune : Toulouse",
                     "Rôle de crise : Référent crise sanitaire, sans rôle", "Joignable par : SMS",
                     "Fiches à confirmer seulement"]


def test_a_code_without_a_known_label_is_shown_as_it_is(db_session):
    assert describe_criteria({"profession_code": ["99"], "tag": ["vaccination"]}) == [
        "Profession : 99", "Compétence : vaccination"]
