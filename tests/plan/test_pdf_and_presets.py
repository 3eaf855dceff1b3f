"""The PDF reads back with the five typologies, both gradations and the cellule; the alert composer offers the
published plan's presets for the crisis's typology and gradation, and the built-in ones without a plan."""

from __future__ import annotations

import io
import re

import pypdf
import pytest
import sqlalchemy as sa

from crisis_app.core import presets
from crisis_app.core.db import db
from crisis_app.core.roles import Role
from crisis_app.core.vocabulary import Typology
from crisis_app.crises import services as crisis_services
from crisis_app.plan import services
from tests import factories
from tests.documents import fetch, made_id


@pytest.fixture
def published(complete_draft, personas):
    referent = personas[Role.CRISIS_REFERENT].user
    services.validate_plan(actor=referent, plan=complete_draft)
    return services.publish_plan(actor=referent, plan=complete_draft)


def _text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def test_the_pdf_holds_the_five_typologies_both_gradations_and_the_cellule(client, login, personas, published,
                                                                           people):
    login(personas[Role.ARS_OBSERVER])
    response = fetch(client, f"/plan/{published.id}/pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = _text(response.data)
    for label in (t.label for t in Typology):
        assert label in text, label
    assert "Gradation 1" in text and "Gradation 2" in text
    for person in people:  # référent, suppléant, cellule member and backup
        assert person.display_name in text
    assert "Pilote de la cellule" in text and "Sommaire" in text and re.search(r"Page \d+ / \d+", text)
    assert "ARS Occitanie (test)" in text


def test_the_api_gives_the_pdf_too(client, personas, published):
    from crisis_app.core.auth import services as auth_services

    token = auth_services.issue_token(actor=None, user=personas[Role.CRISIS_CELL].user)
    from tests.documents import fetch_api

    response = fetch_api(client, f"/api/v1/plans/{published.id}/pdf", {"Authorization": f"Bearer {token}"})
    assert response.status_code == 200 and response.data.startswith(b"%PDF")


def test_core_presets_answer_the_published_plans_presets(published):
    assert [p.key for p in presets.presets(1, 2)] == ["t1-g2"]
    assert presets.presets(5, 2) == []


def test_the_composer_offers_the_published_plans_presets_for_the_crisis(client, login, personas, published):
    referent = personas[Role.CRISIS_REFERENT].user
    crisis_services.open_crisis(actor=referent, title="Grève des gardes", typology=1, gradation=2)
    login(personas[Role.CRISIS_REFERENT])
    page = client.get("/alertes/nouvelle").text
    assert "Modèle 1/2" in page
    assert "Modèle 1/1" not in page and "Canicule — personnes vulnérables" not in page
    assert "Information simple" in page  # the built-in template for no typology stays
    filled = client.get("/alertes/nouvelle?modele=t1-g2").text
    assert "Renfort demandé : offre de soins perturbée" in filled


def test_without_a_published_plan_the_composer_keeps_its_built_in_templates(client, login, personas, draft):
    login(personas[Role.CRISIS_REFERENT])
    page = client.get("/alertes/nouvelle").text
    assert "Canicule — personnes vulnérables — gradation 1" in page


def test_the_plan_pdf_is_made_once_then_kept_until_the_draft_changes(client, login, personas):
    from crisis_app.core.documents.models import Document

    def kept() -> list[tuple[int, str]]:
        return [tuple(r) for r in db.session.execute(sa.select(Document.id, Document.fingerprint)
                                                     .where(Document.kind == "plan"))]

    login(personas[Role.CRISIS_REFERENT])
    draft = services.create_draft(actor=personas[Role.CRISIS_REFERENT].user, year=2031)
    db.session.commit()
    first = fetch(client, f"/plan/{draft.id}/pdf")
    assert first.status_code == 200 and first.mimetype == "application/pdf"
    [made] = kept()
    again = client.get(f"/plan/{draft.id}/pdf")  # kept: straight to the file, nothing made again
    assert made_id(again) is None and again.mimetype == "application/pdf" and kept() == [made]
    factories.professional()  # the draft prints the directory as it stands: a new entry makes a new PDF
    db.session.commit()
    assert fetch(client, f"/plan/{draft.id}/pdf").mimetype == "application/pdf"
    [remade] = kept()
    assert remade[1] != made[1]
