"""« Ma fiche »: a professional keeps their own entry up to date, which confirms it."""

import html
from datetime import date, timedelta

import pytest

from crisis_app.core.db import utcnow
from crisis_app.core.roles import Role
from crisis_app.directory.professionals import contact_changes, query, services
from tests import factories
from tests.conftest import form_post

SELF_ROLES = [Role.PROFESSIONAL, Role.CRISIS_CELL, Role.CRISIS_REFERENT, Role.QUALITY_REFERENT]


def _linked(personas, role=Role.PROFESSIONAL, **overrides):
    p = services.create_professional(actor=None, data={**_data(), **overrides},
                                     consents={"sms": True, "email": True}, consent_method="formulaire d'adhésion",
                                     confirmed_at=utcnow() - timedelta(days=400))
    services.link_user(actor=None, professional=p, user=personas[role].user)
    return p


def _data() -> dict:
    import random

    from crisis_app.core.demo import fake

    p = fake.person(random.Random(), 3)
    return {"rpps": p.rpps, "last_name": p.last_name, "first_name": p.first_name, "profession_code": "70",
            "mobile_phone": p.mobile, "email": p.email}


@pytest.mark.parametrize("role", SELF_ROLES)
def test_a_user_without_a_linked_entry_gets_a_french_explanation(client, personas, login, role):
    login(personas[role])
    response = client.get("/annuaire/ma-fiche")
    assert response.status_code == 200
    assert "n'est lié à aucune fiche" in html.unescape(response.text)


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ARS_OBSERVER])
def test_roles_without_an_entry_of_their_own_are_refused(client, personas, login, role):
    login(personas[role])
    assert client.get("/annuaire/ma-fiche").status_code == 403
    assert form_post(client, "/annuaire/ma-fiche", {"email": "x@example.org"}, token_from="/mon-compte") \
        .status_code == 403


def test_saving_updates_contacts_and_availability_and_confirms_the_entry(client, personas, login):
    p = _linked(personas)
    assert services.history(p)[0].action == "professional.link_user"
    login(personas[Role.PROFESSIONAL])
    page = html.unescape(client.get("/annuaire/ma-fiche").text)
    assert p.last_name in page and "périmée" in page
    until = date.today() + timedelta(days=10)
    response = form_post(client, "/annuaire/ma-fiche", {
        "mobile_phone": "06 39 98 44 55", "email": "nouvelle@example.org", "unavailable_until": until.isoformat(),
        "availability_note": "Congés", "consent_sms": "y", "consent_email": "y"})
    assert response.status_code == 302
    # a new mobile and e-mail wait for the code sent to them (tests/directory/professionals/test_contact_details.py)
    assert p.mobile_phone != "+33639984455" and p.email != "nouvelle@example.org"
    assert {c.new_value for c in contact_changes.pending_for(p)} == {"+33639984455", "nouvelle@example.org"}
    assert p.availability_note == "Congés" and p.unavailable_until > utcnow()
    assert utcnow() - p.confirmed_at < timedelta(minutes=1)
    event = services.history(p)[0]
    assert event.action == "professional.self_update" and event.actor_label == personas[Role.PROFESSIONAL].user.email


def test_unticking_a_channel_withdraws_consent_at_once(client, personas, login):
    p = _linked(personas, Role.CRISIS_CELL)
    phones_before = query.reach_of(query.filter_statement({}))["phones"]
    login(personas[Role.CRISIS_CELL])
    form_post(client, "/annuaire/ma-fiche", {"mobile_phone": p.mobile_phone, "email": p.email,
                                             "consent_email": "y"})
    assert not p.reachable_on("sms") and p.reachable_on("email")
    assert p.consent_for("sms").method == services.SELF_SERVICE_METHOD
    assert query.reach_of(query.filter_statement({}))["phones"] == phones_before - 1


def test_a_bad_mobile_is_named_and_nothing_changes(client, personas, login):
    p = _linked(personas)
    mobile, confirmed = p.mobile_phone, p.confirmed_at
    login(personas[Role.PROFESSIONAL])
    response = form_post(client, "/annuaire/ma-fiche", {"mobile_phone": "01 02", "email": p.email,
                                                        "consent_sms": "y", "consent_email": "y"})
    assert response.status_code == 400
    assert "Téléphone mobile : Numéro de téléphone invalide." in html.unescape(response.text)
    assert p.mobile_phone == mobile and p.confirmed_at == confirmed


def test_a_past_unavailability_date_is_refused(client, personas, login):
    p = _linked(personas)
    login(personas[Role.PROFESSIONAL])
    response = form_post(client, "/annuaire/ma-fiche", {
        "mobile_phone": p.mobile_phone, "email": p.email, "consent_sms": "y", "consent_email": "y",
        "unavailable_until": (date.today() - timedelta(days=3)).isoformat()})
    assert response.status_code == 400 and "date à venir" in html.unescape(response.text)
    assert p.unavailable_until is None


def test_the_home_page_offers_my_entry_to_a_linked_professional(client, personas, login):
    _linked(personas)
    login(personas[Role.PROFESSIONAL])
    assert "Ma fiche annuaire" in html.unescape(client.get("/").text)


def test_the_home_page_has_no_entry_card_for_an_unlinked_professional(client, personas, login):
    factories.professional()
    login(personas[Role.PROFESSIONAL])
    assert "Ma fiche annuaire" not in html.unescape(client.get("/").text)
