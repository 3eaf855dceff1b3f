"""Directory pages: search with its reach, an entry's page, the forms, and who is refused."""

import html

import pytest
import sqlalchemy as sa

from crisis_app.core.db import db
from crisis_app.core.roles import Role
from crisis_app.directory.audiences import services as audiences
from crisis_app.directory.audiences.models import Audience
from crisis_app.directory.professionals import services
from crisis_app.directory.professionals.models import Professional
from tests import factories
from tests.conftest import csrf_token, form_post

READERS = [Role.COORDINATOR, Role.CRISIS_REFERENT, Role.CRISIS_CELL]
NOT_READERS = [Role.PROFESSIONAL, Role.QUALITY_REFERENT, Role.ARS_OBSERVER]
NOT_MANAGERS = [r for r in Role if r is not Role.COORDINATOR]
VALID = {"rpps": "", "last_name": "Martin", "first_name": "Léa", "profession_code": "60", "civility": "Mme",
         "commune_code": "31555", "commune_name": "Toulouse", "mobile_phone": "06 39 98 12 34",
         "email": "lea.martin@example.org", "tags": "vaccination, pédiatrie", "crisis_role": "none",
         "membership": "member", "structure_type": "cabinet"}


def _rpps() -> str:
    import random

    from crisis_app.core.demo import fake

    return fake.rpps(random.Random())


def _text(response) -> str:
    return html.unescape(response.text)


@pytest.mark.parametrize("role", READERS)
def test_the_crisis_team_reads_the_directory(client, personas, login, role):
    p = factories.professional()
    login(personas[role])
    assert client.get("/annuaire/").status_code == 200
    assert client.get(f"/annuaire/{p.id}").status_code == 200
    assert client.get("/annuaire/audiences").status_code == 200
    assert client.get("/annuaire/organisations").status_code == 200


@pytest.mark.parametrize("role", NOT_READERS)
def test_other_roles_are_refused_the_directory(client, personas, login, role):
    p = factories.professional()
    login(personas[role])
    for url in ("/annuaire/", f"/annuaire/{p.id}", "/annuaire/audiences", "/annuaire/organisations"):
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize("role", NOT_MANAGERS)
def test_only_the_coordinator_changes_an_entry(client, personas, login, role):
    p = factories.reachable_professional()
    login(personas[role])
    token = csrf_token(client, "/mon-compte")
    assert client.get("/annuaire/nouveau").status_code == 403
    assert client.get(f"/annuaire/{p.id}/modifier").status_code == 403
    for action, data in (("activation", {"active": "0"}), ("confirmer", {}), ("compte", {"user_id": ""}),
                         ("consentement", {"channel": "sms", "granted": "0", "method": "x y"})):
        response = client.post(f"/annuaire/{p.id}/{action}", data={**data, "csrf_token": token})
        assert response.status_code == 403, action
    db.session.refresh(p)
    assert p.active and p.reachable_on("sms")


def test_filters_narrow_the_list_and_show_the_reach_of_the_filter(client, personas, login):
    nurse = factories.reachable_professional(profession_code="60", commune_code="31555", commune_name="Toulouse",
                                             tags=["gériatrie"])
    factories.reachable_professional(profession_code="60", commune_code="31069", commune_name="Blagnac")
    silent = factories.professional(profession_code="60", commune_code="31555", commune_name="Toulouse")
    login(personas[Role.CRISIS_CELL])
    response = client.get("/annuaire/?profession_code=60&commune_code=31555")
    page = _text(response)
    assert nurse.last_name in page and silent.last_name in page and "Blagnac" not in page.split("<tbody>")[1]
    assert 'data-testid="reach-people">2<' in page
    assert 'data-testid="reach-phones">1<' in page and 'data-testid="reach-emails">1<' in page
    only_tag = _text(client.get("/annuaire/?tag=gériatrie"))
    assert nurse.last_name in only_tag and silent.last_name not in only_tag.split("<tbody>")[1]


def test_to_confirm_filter_and_inactive_switch(client, personas, login):
    stale = services.create_professional(actor=None, data={"rpps": _rpps(), "last_name": "Ancienne",
                                                           "first_name": "Fiche", "profession_code": "10"},
                                         confirmed_at=None)
    fresh = factories.professional(last_name="Récente")
    gone = factories.professional(last_name="Partie")
    services.set_active(actor=None, professional=gone, active=False)
    login(personas[Role.COORDINATOR])
    page = _text(client.get("/annuaire/?to_confirm=1"))
    assert stale.last_name in page and fresh.last_name not in page and "jamais confirmée" in page
    assert gone.last_name not in _text(client.get("/annuaire/"))
    assert gone.last_name in _text(client.get("/annuaire/?include_inactive=1"))


def test_a_bad_filter_value_is_named_and_answered_400(client, personas, login):
    login(personas[Role.COORDINATOR])
    response = client.get("/annuaire/?consent=fax")
    assert response.status_code == 400 and "Filtre « consent »" in _text(response)


def test_coordinator_creates_an_entry_with_consents_from_the_form(client, personas, login):
    login(personas[Role.COORDINATOR])
    rpps = _rpps()
    response = form_post(client, "/annuaire/nouveau", {**VALID, "rpps": rpps, "consent_sms": "y",
                                                      "consent_method": "formulaire papier"})
    assert response.status_code == 302
    p = db.session.scalar(sa.select(Professional).where(Professional.rpps == rpps))
    assert p.profession == "Infirmier" and p.mobile_phone == "+33639981234" and p.skill_list == ["pédiatrie",
                                                                                                  "vaccination"]
    assert p.reachable_on("sms") and not p.reachable_on("email")
    page = _text(client.get(response.location))
    assert "formulaire papier" in page and "Fiche créée" in page


@pytest.mark.parametrize("field, value, label, message", [
    ("rpps", "12345678901", "Numéro RPPS", "clé de contrôle"),
    ("mobile_phone", "01 23", "Téléphone mobile", "Numéro de téléphone invalide."),
    ("email", "lea@", "Adresse e-mail", "Adresse e-mail invalide."),
])
def test_a_bad_field_is_named_in_french_answered_400_and_nothing_saved(client, personas, login, field, value,
                                                                       label, message):
    login(personas[Role.COORDINATOR])
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Professional))
    response = form_post(client, "/annuaire/nouveau", {**VALID, "rpps": _rpps(), field: value})
    assert response.status_code == 400
    page = _text(response)
    assert f"{label} : " in page and message in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Professional)) == before


def test_a_duplicate_rpps_in_the_form_is_answered_409(client, personas, login):
    existing = factories.professional()
    login(personas[Role.COORDINATOR])
    response = form_post(client, "/annuaire/nouveau", {**VALID, "rpps": existing.rpps})
    assert response.status_code == 409 and "figure déjà" in _text(response)


def test_edit_form_saves_and_the_history_shows_it(client, personas, login):
    p = factories.professional(tags=["vaccination"])
    login(personas[Role.COORDINATOR])
    form = _text(client.get(f"/annuaire/{p.id}/modifier"))
    assert p.rpps in form and "vaccination" in form
    response = form_post(client, f"/annuaire/{p.id}/modifier",
                         {**VALID, "rpps": p.rpps, "last_name": "Nouveau-Nom", "crisis_role": "suppleant"})
    assert response.status_code == 302
    page = _text(client.get(f"/annuaire/{p.id}"))
    assert "Nouveau-Nom" in page and "Suppléant" in page and "Fiche modifiée" in page


def test_edit_with_a_bad_phone_changes_nothing(client, personas, login):
    p = factories.professional(last_name="Durand")  # not VALID's "Martin", whatever the fake names draw
    phone = p.mobile_phone
    login(personas[Role.COORDINATOR])
    response = form_post(client, f"/annuaire/{p.id}/modifier", {**VALID, "rpps": p.rpps, "mobile_phone": "12"})
    assert response.status_code == 400 and "Téléphone mobile : " in _text(response)
    db.session.refresh(p)
    assert p.mobile_phone == phone and p.last_name != "Martin"


def test_deactivate_reactivate_confirm_and_consent_from_the_detail_page(client, personas, login):
    p = services.create_professional(actor=None, data={"rpps": _rpps(), "last_name": "Roux", "first_name": "Théo",
                                                       "profession_code": "21", "email": "t.roux@example.org"},
                                     confirmed_at=None)
    login(personas[Role.COORDINATOR])
    url = f"/annuaire/{p.id}"
    assert form_post(client, f"{url}/activation", {"active": "0"}, token_from=url).status_code == 302
    assert not p.active
    assert form_post(client, f"{url}/activation", {"active": "1"}, token_from=url).status_code == 302
    assert p.active
    form_post(client, f"{url}/confirmer", {}, token_from=url)
    assert p.confirmed_at is not None
    response = form_post(client, f"{url}/consentement", {"channel": "email", "granted": "1",
                                                         "method": "par téléphone"}, token_from=url)
    assert response.status_code == 302 and p.reachable_on("email")
    page = _text(client.get(url))
    assert "par téléphone" in page and "Coordonnées confirmées" in page and "Fiche désactivée" in page


def test_a_consent_without_method_is_refused_with_400(client, personas, login):
    p = factories.professional()
    login(personas[Role.COORDINATOR])
    url = f"/annuaire/{p.id}"
    response = form_post(client, f"{url}/consentement", {"channel": "email", "granted": "1", "method": ""},
                         token_from=url)
    assert response.status_code == 400 and "Comment : " in _text(response)
    assert p.consent_for("email") is None


def test_coordinator_links_an_account_to_an_entry(client, personas, login):
    p = factories.professional()
    user = personas[Role.PROFESSIONAL].user
    login(personas[Role.COORDINATOR])
    url = f"/annuaire/{p.id}"
    assert user.email in _text(client.get(url))
    form_post(client, f"{url}/compte", {"user_id": str(user.id)}, token_from=url)
    assert p.user_id == user.id
    assert f"{user.full_name} ({user.email})" in _text(client.get(url))


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.CRISIS_REFERENT])
def test_saving_the_current_filter_creates_a_filter_audience_with_the_same_reach(client, personas, login, role):
    factories.reachable_professional(profession_code="50", commune_code="31069")
    factories.professional(profession_code="50", commune_code="31069")
    login(personas[role])
    response = form_post(client, "/annuaire/audiences/nouvelle",
                         {"kind": "filter", "name": "Sages-femmes de Blagnac", "profession_code": "50",
                          "commune_code": "31069"}, token_from="/annuaire/")
    assert response.status_code == 302
    audience = db.session.scalar(sa.select(Audience).where(Audience.name == "Sages-femmes de Blagnac"))
    assert audience.criteria["profession_code"] == ["50"]
    reach = audiences.reach(audience)
    assert reach["people"] == 2 and reach["phones"] == 1
    listing = _text(client.get("/annuaire/audiences"))
    assert "Sages-femmes de Blagnac" in listing


def test_ticked_people_and_pasted_numbers_make_a_fixed_list(client, personas, login):
    a, b, c = factories.professional(), factories.professional(), factories.professional()
    login(personas[Role.COORDINATOR])
    token = csrf_token(client, "/annuaire/")
    response = client.post("/annuaire/audiences/nouvelle", data={
        "csrf_token": token, "kind": "list", "name": "Exercice", "for_exercises": "y",
        "professional_id": [str(a.id), str(b.id)], "numbers": c.rpps})
    assert response.status_code == 302
    audience = db.session.scalar(sa.select(Audience).where(Audience.name == "Exercice"))
    assert audience.for_exercises and sorted(m.professional_id for m in audience.members) == sorted([a.id, b.id, c.id])
    detail = _text(client.get(response.location))
    assert a.last_name in detail and "exercices" in detail


def test_an_unknown_pasted_number_is_named_and_nothing_saved(client, personas, login):
    login(personas[Role.COORDINATOR])
    response = form_post(client, "/annuaire/audiences/nouvelle", {"kind": "list", "name": "Essai",
                                                                  "numbers": "10000000000"})
    assert response.status_code == 400 and "10000000000" in _text(response)
    assert db.session.scalar(sa.select(Audience).where(Audience.name == "Essai")) is None


@pytest.mark.parametrize("role", [r for r in Role if r not in (Role.COORDINATOR, Role.CRISIS_REFERENT)])
def test_other_roles_cannot_save_or_delete_audiences(client, personas, login, role):
    audience = audiences.save_audience(actor=personas[Role.COORDINATOR].user, data={"name": "Tous", "kind": "filter"})
    login(personas[role])
    token = csrf_token(client, "/mon-compte")
    assert client.post("/annuaire/audiences/nouvelle", data={"csrf_token": token, "kind": "filter",
                                                             "name": "Pirate"}).status_code == 403
    assert client.post(f"/annuaire/audiences/{audience.id}/supprimer",
                       data={"csrf_token": token, "confirm": "1"}).status_code == 403
    assert [a.name for a in audiences.list_audiences()] == ["Tous"]


def test_an_audience_page_lists_its_members_today(client, personas, login):
    p = factories.reachable_professional(profession_code="80")
    audience = audiences.save_audience(actor=personas[Role.COORDINATOR].user, data={
        "name": "Podologues", "kind": "filter", "criteria": {"profession_code": ["80"]}})
    login(personas[Role.CRISIS_CELL])
    page = _text(client.get(f"/annuaire/audiences/{audience.id}"))
    assert p.last_name in page and "Supprimer" not in page


def test_home_card_counts_the_directory(client, personas, login):
    factories.reachable_professional()
    services.create_professional(actor=None, data={"rpps": _rpps(), "last_name": "Vieille", "first_name": "Fiche",
                                                   "profession_code": "10"}, confirmed_at=None)
    login(personas[Role.CRISIS_REFERENT])
    page = _text(client.get("/"))
    assert "Annuaire" in page and "fiches à confirmer : 1" in page and "Joignables par SMS : 1" in page


def test_deleting_an_audience_asks_for_a_last_look_first(client, personas, login):
    factories.reachable_professional(profession_code="80")
    audience = audiences.save_audience(actor=personas[Role.COORDINATOR].user, data={
        "name": "Podologues", "kind": "filter", "criteria": {"profession_code": ["80"]}})
    login(personas[Role.CRISIS_REFERENT])
    url = f"/annuaire/audiences/{audience.id}/supprimer"
    token = csrf_token(client, f"/annuaire/audiences/{audience.id}")
    first = client.post(url, data={"csrf_token": token})
    assert first.status_code == 200 and 'data-testid="delete-people">1<' in first.text
    assert [a.name for a in audiences.list_audiences()] == ["Podologues"]  # one tap deletes nothing
    assert client.post(url, data={"csrf_token": token, "confirm": "1"}).status_code == 302
    assert audiences.list_audiences() == []
