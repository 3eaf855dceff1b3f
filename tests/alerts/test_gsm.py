"""GSM-7: every text Vigie writes itself fits the SMS alphabet (one "—" made each SMS UCS-2, 4 SMS instead of 2);
the composer says when a typed text turns UCS-2, which characters cause it, and replaces them on request."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from crisis_app.alerts import messages
from crisis_app.alerts import services as alert_services
from crisis_app.alerts.rules import render
from crisis_app.core import gsm
from crisis_app.core.notifications.models import PURPOSE_END, PURPOSE_ESCALATION
from crisis_app.core.roles import Role
from crisis_app.core.vocabulary import BUILT_IN_PRESETS, options_for
from tests.alerts.conftest import alert_data
from tests.conftest import form_post

LINK = "https://vigie.example.org/r/" + "x" * 43  # as long as a real answer link


def test_the_check_names_the_encoding_segments_and_offending_characters():
    assert gsm.check("Canicule : appelez vos patients.").encoding == "GSM-7"
    assert gsm.check("a" * 160).segments == 1 and gsm.check("a" * 161).segments == 2
    assert gsm.check("€" * 80).units == 160 and gsm.check("€" * 80).segments == 1  # extension: two septets
    dashed = gsm.check("Canicule — êtes-vous « disponible » ?")
    assert dashed.encoding == "UCS-2" and dashed.offending == ("—", "ê", "«", "»") and dashed.fixable
    assert gsm.check("x" * 70 + "—").segments == 2  # 71 UTF-16 units: two UCS-2 parts
    assert gsm.check("").segments == 0


def test_the_replacement_map_makes_a_french_text_gsm7_and_keeps_what_gsm7_has():
    text = "Êtes-vous disponible — « centre dédié » à 8\u00a0h ? L’équipe, François, cœur…"
    replaced = gsm.replace(text)
    assert gsm.is_gsm7(replaced), gsm.offending(replaced)
    assert replaced == 'Etes-vous disponible - "centre dédié" à 8 h ? L\'équipe, Francois, coeur...'


def _values():
    return {"cpts": "CPTS de démonstration", "titre": "Canicule juillet", "gradation": "2"}


@pytest.mark.parametrize("preset", BUILT_IN_PRESETS, ids=lambda p: p.key)
def test_every_built_in_preset_sms_is_gsm7_with_its_segments_as_it_leaves(app, preset):
    text = render(preset.sms, _values())
    assert gsm.is_gsm7(text), f"{preset.key}: {gsm.offending(text)}"
    alert = SimpleNamespace(is_exercise=False, sms_text=text, title=preset.title, asks=preset.question != "none",
                            options=options_for(preset.question), sender_name="Julien Référent", end_text=None)
    with app.test_request_context():
        sent = messages.sms_body(alert, "message", LINK)
        relance = messages.sms_body(alert, PURPOSE_ESCALATION, LINK)
    for body in (sent, relance):
        assert gsm.is_gsm7(body), f"{preset.key}: {gsm.offending(body)}"
    # what each costs per person, as it leaves (link, reply codes and signature included)
    expected = {"offre-g1": 2, "infectieux-g2": 2, "canicule-g1": 2, "nrc-g2": 2, "blesses-g2": 2, "information": 1}
    assert gsm.check(sent).segments == expected[preset.key]


def test_the_signature_end_message_and_exercise_prefix_are_gsm7_even_for_a_name_with_a_cedilla(app):
    alert = SimpleNamespace(is_exercise=True, sms_text="Exercice canicule.", title="Canicule — épisode 2",
                            asks=True, options=options_for("availability"), sender_name="Françoise Lefèvre",
                            end_text=alert_services.crisis_end_text("Canicule — épisode 2"))
    with app.test_request_context():
        for purpose in ("message", PURPOSE_ESCALATION, PURPOSE_END):
            body = messages.sms_body(alert, purpose, LINK)
            assert gsm.is_gsm7(body), f"{purpose}: {gsm.offending(body)}"
        end = messages.sms_body(alert, PURPOSE_END, None)
        assert messages.sms_body(alert, "message", LINK).endswith("- Francoise Lefèvre, CPTS de démonstration")
    assert gsm.check(end).segments == 2  # a long exercise title, twice: 2 SMS (UCS-2 would make it 3)
    plain = SimpleNamespace(is_exercise=False, title="Canicule juillet", sender_name=None,
                            end_text=alert_services.crisis_end_text("Canicule juillet"))
    with app.test_request_context():
        assert gsm.check(messages.sms_body(plain, PURPOSE_END, None)).segments == 1


def test_the_default_end_texts_are_gsm7():
    assert gsm.is_gsm7(alert_services.crisis_end_text("Accident de bus — A64"))
    assert gsm.is_gsm7("Merci de votre mobilisation : l'alerte est terminée.")


@pytest.fixture
def as_referent(login, personas):
    return login(personas[Role.CRISIS_REFERENT])


def test_the_composer_says_which_characters_turn_the_sms_ucs2_and_replaces_them(as_referent, audience):
    data = {**alert_data(audience, sms_text="Canicule — êtes-vous « disponible » ?"), "action": "preview"}
    data["channels"] = "sms"
    page = form_post(as_referent, "/alertes/nouvelle", data).text
    assert 'data-testid="gsm-warning" hidden' not in page
    assert "passe en UCS-2" in page and "« — »" in page and "« ê »" in page
    replaced = form_post(as_referent, "/alertes/nouvelle", {**data, "action": "gsm"}).text
    assert "Canicule - etes-vous &#34;disponible&#34; ?" in replaced
    assert 'data-testid="gsm-warning" hidden' in replaced and "GSM-7 · 1 SMS" in replaced


def test_a_gsm7_text_shows_no_warning(as_referent, audience):
    data = {**alert_data(audience, sms_text="Canicule : etes-vous disponible ?"), "action": "preview"}
    page = form_post(as_referent, "/alertes/nouvelle", data).text
    assert 'data-testid="gsm-warning" hidden' in page


def test_an_sms_pointing_to_the_email_warns_when_not_everyone_gets_the_email(as_referent, audience):
    base = {**alert_data(audience, sms_text="Canicule : consignes par e-mail."), "action": "review",
            "channels": ["sms", "email"], "escalation_minutes": "10", "escalation_max": "1"}
    page = form_post(as_referent, "/alertes/nouvelle", base).text
    assert 'data-testid="email-gap"' in page and "ne le recevront" in page
    both = form_post(as_referent, "/alertes/nouvelle", {**base, "escalation_max": "0"}).text
    assert 'data-testid="email-gap"' not in both  # no relance: SMS and e-mail to each person


def test_after_disponible_the_person_is_told_what_happens_next(client, audience, referent):
    from crisis_app.alerts import links

    alert = alert_services.send_alert(actor=referent, data=alert_data(audience))
    recipient = alert.recipients[0]
    path = f"/r/{links.token_for(alert.id, recipient.id)}"
    page = form_post(client, path, {"code": "1"}).text
    assert "Et maintenant" in page and "La cellule de crise vous recontacte" in page
