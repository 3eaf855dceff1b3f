"""Plan pages in French: the four actions, completeness with links, validation refused while incomplete,
section forms that refuse bad input without changing anything, the home card."""

from __future__ import annotations

import re
from datetime import date

from crisis_app.core.roles import Role
from crisis_app.plan import services
from crisis_app.plan.home import update_status
from crisis_app.plan.models import PlanStatus
from tests.conftest import form_post


def test_the_plan_page_shows_the_four_actions_and_lists_what_is_missing_with_links(client, login, personas, draft):
    login(personas[Role.CRISIS_REFERENT])
    page = client.get("/plan/").text
    for title in ("1. Anticipation", "2. Adaptation", "3. Pilotage", "4. Retour d'expérience"):
        assert title in page
    assert "Brouillon" in page and "Valider le plan" in page
    completeness = page[page.index('data-testid="plan-completeness"'):page.index('id="anticipation"')]
    links = dict((text, href) for href, text in re.findall(r'<a href="([^"]+)">([^<]+)</a>', completeness))
    assert links["Aucun référent crise sanitaire n&#39;est désigné."] == f"/plan/{draft.id}/anticipation#referent_id"
    assert links["La cellule de crise n&#39;a aucun membre."] == f"/plan/{draft.id}/pilotage#members"
    # each typology × gradation is listed with a link to its own form (where "sans objet" is declared too)
    steps = [href for text, href in links.items() if "sans objet sur notre territoire" in text]
    assert sorted(steps) == sorted(f"/plan/{draft.id}/adaptation/{t}/{g}" for t in range(1, 6) for g in (1, 2))


def test_a_typology_declared_sans_objet_leaves_the_list_and_shows_its_reason(client, login, personas, draft):
    login(personas[Role.CRISIS_REFERENT])
    form = client.get(f"/plan/{draft.id}/adaptation/2/1").text
    assert "Sans objet sur notre territoire" in form
    refused = form_post(client, f"/plan/{draft.id}/adaptation/2/sans-objet", {"reason": "x"},
                        token_from=f"/plan/{draft.id}/adaptation/2/1")
    assert refused.status_code == 302 and services.not_applicable(draft) == {}
    assert "Raison : entre 3 et 1000 caractères." in client.get(refused.location).text
    saved = form_post(client, f"/plan/{draft.id}/adaptation/2/sans-objet",
                      {"reason": "Aucun site nucléaire ni chimique sur le territoire."},
                      token_from=f"/plan/{draft.id}/adaptation/2/1")
    assert saved.status_code == 302
    page = client.get(f"/plan/{draft.id}").text
    assert "Aucun site nucléaire ni chimique sur le territoire." in page
    assert f"/plan/{draft.id}/adaptation/2/1\"" not in page[page.index('data-testid="plan-completeness"'):
                                                          page.index('id="anticipation"')]


def test_validating_an_incomplete_plan_in_the_browser_is_refused_and_changes_nothing(client, login, personas,
                                                                                      draft):
    login(personas[Role.CRISIS_REFERENT])
    response = form_post(client, f"/plan/{draft.id}/valider", {}, token_from="/plan/")
    assert response.status_code == 302
    page = client.get(response.location).text
    assert "ne peut pas être validé : 13\u00a0éléments manquants" in page
    assert services.current_plan().status is PlanStatus.DRAFT


def test_the_referent_writes_a_section_and_bad_input_is_refused_in_french(client, login, personas, draft, people):
    login(personas[Role.CRISIS_REFERENT])
    url = f"/plan/{draft.id}/anticipation"
    refused = form_post(client, url, {"referent_id": people[0].id, "suppleant_id": people[0].id})
    assert refused.status_code == 422
    assert "Le suppléant doit être une autre personne que le référent." in refused.text
    assert draft.anticipation["referent_id"] is None
    saved = form_post(client, url, {"referent_id": people[0].id, "suppleant_id": people[1].id})
    assert saved.status_code == 302
    assert people[0].display_name in client.get(f"/plan/{draft.id}").text


def test_a_measure_form_saves_presets_and_shows_the_reach_of_its_directory_filter(client, login, personas, draft,
                                                                                  people):
    login(personas[Role.CRISIS_REFERENT])
    url = f"/plan/{draft.id}/adaptation/2/1"
    form = {"needs": "Recenser les patients exposés", "profession_code": [people[0].profession_code],
            "preset-0-key": "nrc-g1", "preset-0-name": "NRC — consignes", "preset-0-title": "NRC",
            "preset-0-sms": "{cpts} : NRC", "preset-0-email": "Consignes NRC", "preset-0-question": "ack"}
    assert form_post(client, url, form).status_code == 302
    measure = services.typology_section(draft, 2, 1)
    assert measure["needs"] == "Recenser les patients exposés" and measure["presets"][0]["key"] == "nrc-g1"
    assert "Ce filtre désigne aujourd" in client.get(url).text
    bad = form_post(client, url, {**form, "preset-0-key": "Pas une clé!", "preset-0-sms": "x" * 700})
    assert bad.status_code == 422 and "Clé : lettres minuscules" in bad.text
    assert services.typology_section(draft, 2, 1)["presets"][0]["key"] == "nrc-g1"


def test_a_published_version_has_no_edit_form(client, login, personas, complete_draft):
    referent = personas[Role.CRISIS_REFERENT].user
    services.validate_plan(actor=referent, plan=complete_draft)
    services.publish_plan(actor=referent, plan=complete_draft)
    login(personas[Role.CRISIS_REFERENT])
    response = client.get(f"/plan/{complete_draft.id}/anticipation")
    assert response.status_code == 302
    assert "elle ne change plus" in client.get(response.location).text
    assert "Démarrer le plan 2027" in client.get(f"/plan/{complete_draft.id}").text


def test_the_update_is_due_until_june_then_late_and_ok_once_published():
    assert update_status(today=date(2026, 3, 1), published_years={2025}) == "due"
    assert update_status(today=date(2026, 7, 1), published_years={2025}) == "late"
    assert update_status(today=date(2026, 12, 1), published_years={2025, 2026}) == "ok"


def test_the_home_page_warns_the_referent_when_this_years_plan_is_not_published(client, login, personas):
    login(personas[Role.CRISIS_REFERENT])
    page = client.get("/").text
    assert "Plan d&#39;action crise" in page or "Plan d'action crise" in page
    assert re.search(r"Mise à jour \d{4} (à faire|en retard)", page)


def test_a_professional_sees_the_roles_the_published_plan_gives_them(client, login, personas, complete_draft,
                                                                     people):
    from crisis_app.directory.professionals import services as directory_services

    referent = personas[Role.CRISIS_REFERENT].user
    services.validate_plan(actor=referent, plan=complete_draft)
    services.publish_plan(actor=referent, plan=complete_draft)
    directory_services.link_user(actor=None, professional=people[3], user=personas[Role.PROFESSIONAL].user)
    login(personas[Role.PROFESSIONAL])
    page = client.get("/plan/mon-role").text
    assert "Cellule de crise : suppléant pour « Pilote de la cellule »" in page
    assert "Mon rôle dans le plan de crise" in client.get("/").text
    assert client.get("/api/v1/plans/mine").get_json()["roles"] == [
        "Cellule de crise : suppléant pour « Pilote de la cellule »"]
