"""Crisis pages in the browser's terms: forms with CSRF, French messages, Paris times, roles refused."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from crisis_app.core.csvexport import unescape_cell
from crisis_app.core.db import db
from crisis_app.core.roles import Role
from crisis_app.crises import journal, needs, services
from crisis_app.crises.models import Crisis, Need
from tests.conftest import csrf_token, form_post
from tests.documents import fetch


@pytest.fixture
def as_referent(login, personas):
    return login(personas[Role.CRISIS_REFERENT])


def test_the_referent_opens_a_crisis_from_the_form(as_referent):
    response = form_post(as_referent, "/crises/nouvelle", {
        "title": "Épidémie de grippe", "typology": "3", "gradation": "1", "authority": "ars",
        "authority_reference": "DGS-URGENT 2026-12", "qualified_at": "2026-12-01T08:30"})
    assert response.status_code == 302
    crisis = db.session.scalar(sa.select(Crisis).where(Crisis.title == "Épidémie de grippe"))
    assert crisis.qualified_at.isoformat() == "2026-12-01T07:30:00+00:00"  # 08:30 in Paris is 07:30 UTC
    page = as_referent.get(response.headers["Location"]).text
    assert "Crise active — gradation 1" in page and "01/12/2026 08:30" in page and "DGS-URGENT 2026-12" in page


def test_an_invalid_opening_shows_french_messages_and_opens_nothing(as_referent):
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Crisis))
    response = form_post(as_referent, "/crises/nouvelle", {"title": "", "typology": "9", "gradation": "1",
                                                          "authority": "ars"})
    assert response.status_code == 400
    assert "Le titre est obligatoire" in response.text and "Typologie inconnue" in response.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Crisis)) == count


def test_the_crisis_page_offers_the_alert_presets_of_its_level_one_click_from_sending(as_referent, crisis):
    page = as_referent.get(f"/crises/{crisis.id}").text
    assert "/alertes/nouvelle?modele=canicule-g1" in page  # typology 4, gradation 1


def test_a_level_change_shows_the_next_levels_presets_then_applies(as_referent, crisis):
    preview = as_referent.get(f"/crises/{crisis.id}/niveau?gradation=2").text
    assert "Alertes prévues — Gradation 2" in preview
    response = form_post(as_referent, f"/crises/{crisis.id}/niveau", {"gradation": "2", "reason": "Décision ARS"},
                         token_from=f"/crises/{crisis.id}/niveau?gradation=2")
    assert response.status_code == 302 and crisis.gradation == 2
    assert "Crise active — gradation 2" in as_referent.get(f"/crises/{crisis.id}").text


def test_an_unknown_gradation_in_the_form_is_refused_with_422(as_referent, crisis):
    response = form_post(as_referent, f"/crises/{crisis.id}/niveau", {"gradation": "7", "reason": "x"},
                         token_from=f"/crises/{crisis.id}/niveau")
    assert response.status_code == 422 and "Gradation inconnue" in response.text
    assert crisis.gradation == 1


def test_closing_from_the_page_then_again_is_refused_with_a_message(as_referent, crisis):
    url = f"/crises/{crisis.id}"
    assert form_post(as_referent, f"{url}/cloture", {"reason": "Fin", "confirm": "1"},
                     token_from=url).status_code == 302
    token = csrf_token(as_referent, f"{url}/journal")
    again = as_referent.post(f"{url}/cloture", data={"reason": "Encore", "csrf_token": token, "confirm": "1"},
                             follow_redirects=True)
    assert "déjà close" in again.text
    assert db.session.get(Crisis, crisis.id).close_reason == "Fin"


def test_an_exercise_is_marked_on_every_page(as_referent, referent):
    services.open_crisis(actor=referent, title="Exercice NRC", typology=2, is_exercise=True)
    page = as_referent.get("/").text
    assert "Aucune crise active hors exercice" in page and "EXERCICE</span> en cours" in page


def test_members_write_and_correct_the_journal(login, personas, crisis):
    client = login(personas[Role.CRISIS_CELL])
    url = f"/crises/{crisis.id}/journal"
    assert form_post(client, url, {"kind": "decision", "text": "Ouverture du gymnase"}).status_code == 302
    entry = journal.entries(crisis)[-1]
    assert form_post(client, url, {"kind": "correction", "text": "Gymnase Jean-Moulin", "corrects": str(entry.id)},
                     token_from=f"{url}?corrige={entry.id}").status_code == 302
    page = client.get(url).text
    assert f"Corrige l'entrée n° {entry.seq}" in page and "Ouverture du gymnase" in page


def test_the_journal_feed_gives_entries_after_a_sequence_number(as_referent, crisis, referent):
    journal.write(actor=referent, crisis=crisis, kind="information", text="Point de situation 14 h")
    data = as_referent.get(f"/crises/{crisis.id}/journal.json?apres=1").get_json()
    assert [e["text"] for e in data["items"]] == ["Point de situation 14 h"] and data["active"] is True


def test_the_journal_exports_as_formula_safe_csv_and_as_pdf(as_referent, crisis, referent):
    journal.write(actor=referent, crisis=crisis, kind="information", text="=HYPERLINK(\"http://x\")")
    csv = as_referent.get(f"/crises/{crisis.id}/journal.csv").get_data(as_text=True)
    assert "'=HYPERLINK" in csv and unescape_cell("'=HYPERLINK") == "=HYPERLINK"
    pdf = fetch(as_referent, f"/crises/{crisis.id}/journal.pdf")
    assert pdf.mimetype == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Journal de bord" in text and "HYPERLINK" in text and "intacte" in text


def test_the_board_lists_needs_and_the_cellule_updates_them(login, personas, crisis):
    client = login(personas[Role.CRISIS_CELL])
    board = f"/crises/{crisis.id}/tableau"
    assert form_post(client, f"/crises/{crisis.id}/besoins", {"title": "Visites ALD", "owner": "Dr Martin"},
                     token_from=board).status_code == 302
    need = db.session.scalar(sa.select(Need).where(Need.crisis_id == crisis.id))
    assert form_post(client, f"/crises/{crisis.id}/besoins/{need.id}", {"status": "met", "owner": "Dr Martin"},
                     token_from=board).status_code == 302
    assert needs.counts(crisis)["met"] == 1
    assert "Visites ALD" in client.get(board).text
    assert client.get(f"{board}.json").get_json()["version"]


def test_a_professional_sees_only_that_a_crisis_is_on_and_what_was_asked(login, personas, crisis):
    client = login(personas[Role.PROFESSIONAL])
    assert "Crise active" in client.get("/").text
    assert "Ce qui vous a été demandé" in client.get("/crises/en-cours").text
    for url in (f"/crises/{crisis.id}", f"/crises/{crisis.id}/journal", f"/crises/{crisis.id}/tableau", "/crises/"):
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize(("role", "path", "data"), [
    (Role.CRISIS_CELL, "niveau", {"gradation": "2", "reason": "Décision ARS"}),
    (Role.CRISIS_CELL, "cloture", {"reason": "Fin"}),
    (Role.ARS_OBSERVER, "niveau", {"gradation": "2", "reason": "Décision ARS"}),
    (Role.ARS_OBSERVER, "journal", {"kind": "decision", "text": "Écrit par l'ARS"}),
    (Role.ARS_OBSERVER, "besoins", {"title": "Besoin"}),
    (Role.ARS_OBSERVER, "retex", {"worked": "tout"}),
    (Role.PROFESSIONAL, "journal", {"kind": "decision", "text": "Écrit par un professionnel"})])
def test_roles_without_the_right_are_refused_and_change_nothing(client, login, personas, crisis, role, path, data):
    login(personas[role])
    token = csrf_token(client, "/")
    before = (crisis.gradation, len(journal.entries(crisis)))
    response = client.post(f"/crises/{crisis.id}/{path}", data={**data, "csrf_token": token})
    assert response.status_code == 403
    db.session.expire_all()
    assert (db.session.get(Crisis, crisis.id).gradation, len(journal.entries(crisis))) == before


def test_the_opening_form_is_refused_to_the_cellule(client, login, personas):
    login(personas[Role.CRISIS_CELL])
    response = client.post("/crises/nouvelle", data={"title": "X", "typology": "1", "gradation": "1",
                                                     "authority": "ars", "csrf_token": csrf_token(client, "/")})
    assert response.status_code == 403


def test_the_cellule_page_activates_the_members_and_shows_who_joined(as_referent, crisis):
    from tests import factories

    member = factories.reachable_professional(crisis_role="cellule")
    url = f"/crises/{crisis.id}/cellule"
    assert member.display_name in as_referent.get(url).text
    response = form_post(as_referent, url, {"professional_ids": str(member.id)})
    assert response.status_code == 302
    page = as_referent.get(url).text
    assert "Activée le" in page and "sans réponse" in page


@pytest.mark.parametrize("url", ["/crises/99999999999999999999", "/crises/1/besoins/99999999999999999999",
                                 "/crises/1/retex/actions/99999999999999999999"])
def test_ids_too_large_for_the_database_answer_404(as_referent, crisis, url):
    token = csrf_token(as_referent, "/")
    response = (as_referent.get(url) if url.count("/") == 2
                else as_referent.post(url.replace("/1/", f"/{crisis.id}/"), data={"csrf_token": token}))
    assert response.status_code == 404


@pytest.mark.parametrize(("field", "value"), [("qualified_at", "0001-01-01T00:00"), ("qualified_at", "demain"),
                                              ("typology", "²"), ("gradation", "99999999999999999999")])
def test_hostile_form_values_are_refused_with_a_message(as_referent, field, value):
    data = {"title": "Inondations", "typology": "1", "gradation": "1", "authority": "prefecture", field: value}
    response = form_post(as_referent, "/crises/nouvelle", data)
    assert response.status_code == 400 and "flash-error" in response.text


def test_hostile_journal_values_are_refused_or_ignored(as_referent, crisis):
    url = f"/crises/{crisis.id}/journal"
    assert as_referent.get(f"{url}.json?apres=99999999999999999999999").status_code == 200
    assert as_referent.get(f"{url}?corrige=99999999999999999999999").status_code == 200
    response = form_post(as_referent, url, {"kind": "correction", "text": "x", "corrects": "99999999999999999999"})
    assert response.status_code == 422 and len(journal.entries(crisis)) == 1


def test_closing_asks_first_saying_what_stops_and_to_whom_then_closes(as_referent, crisis):
    url = f"/crises/{crisis.id}"
    step = form_post(as_referent, f"{url}/cloture", {"reason": "Fin de l'épisode", "notify_end": "1"},
                     token_from=url)
    assert step.status_code == 200 and 'data-testid="confirm-step"' in step.text
    assert "sera close maintenant" in step.text and "Fin de l&#39;épisode" in step.text
    assert db.session.get(Crisis, crisis.id).active  # nothing closed before the confirmation
    done = form_post(as_referent, f"{url}/cloture", {"reason": "Fin de l'épisode", "notify_end": "1",
                                                      "confirm": "1"}, token_from=url)
    assert done.status_code == 302 and not db.session.get(Crisis, crisis.id).active


def test_lowering_the_gradation_asks_first_raising_does_not(as_referent, crisis):
    url = f"/crises/{crisis.id}/niveau"
    assert form_post(as_referent, url, {"gradation": "2", "reason": "Décision ARS"},
                     token_from=url).status_code == 302 and crisis.gradation == 2
    step = form_post(as_referent, url, {"gradation": "1", "reason": "Fin du pic"}, token_from=url)
    assert step.status_code == 200 and "passera de gradation 2 à gradation 1" in step.text
    assert db.session.get(Crisis, crisis.id).gradation == 2
    done = form_post(as_referent, url, {"gradation": "1", "reason": "Fin du pic", "confirm": "1"}, token_from=url)
    assert done.status_code == 302 and db.session.get(Crisis, crisis.id).gradation == 1


def test_the_crisis_tabs_show_which_one_is_open(as_referent, crisis):
    page = as_referent.get(f"/crises/{crisis.id}/cellule").text
    nav = page.split('class="actions crisis-tabs"')[1].split("</nav>")[0]
    assert nav.count('aria-current="page"') == 1
    assert f'href="/crises/{crisis.id}/cellule" aria-current="page">Cellule de crise' in nav
