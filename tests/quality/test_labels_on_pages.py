"""The French labels of the quality vocabularies (labelled enums) reach the pages and documents that show them."""

from __future__ import annotations

import pytest

from crisis_app.core.db import db, utcnow
from crisis_app.core.roles import Role
from quality.analyses.models import Analysis
from quality.register import documents
from quality.sessions import traceur
from tests.quality.conftest import declare
from tests.quality.sessionkit import crex, event_for_crex


@pytest.fixture
def referent(personas):
    return personas[Role.QUALITY_REFERENT].user


def test_the_event_page_the_register_and_the_eigs_document_show_every_label(login, personas, referent):
    event = declare(personas[Role.PROFESSIONAL].user, handover="oui", avoidability="probablement_evitable",
                    patient_informed="pas_encore", age_band="75_84", sex="femme", severity=3).event
    client = login(personas[Role.QUALITY_REFERENT])
    page = client.get(f"/qualite/evenements/{event.id}").text
    for label in ("Non", "Oui", "Probablement évitable", "Pas encore", "75 à 84 ans", "Femme", "Sous contrôle"):
        assert label in page
    register = client.get("/qualite/registre?zone=sous_controle&category=medicament&place=officine").text
    assert event.reference in register and "Médicament (prescription" in register and "3 — Majeure" in register
    assert "Acceptable" in register and "Sous contrôle" in register and "Cabinet, maison ou centre de santé" in register
    part1 = documents.part1(event, cpts_name="CPTS")
    assert "3 — Majeure (traitement spécifique ou surveillance accrue)" in part1 and "75 à 84 ans" in part1


def test_the_traceur_analysis_and_review_pages_show_their_lists(login, personas, referent):
    session = crex(referent, kind="patient_traceur")
    traceur.save(actor=referent, session=session, data={
        "label": "Patient A", "agreement_on": utcnow().date(), "agreement_how": "oral",
        "interview_summary": "Parcours revu.", "steps": [{"when": "J1", "setting": "hopital",
                                                          "description": "Sortie", "interface_with": "ville"}]})
    event = event_for_crex(referent, personas[Role.PROFESSIONAL].user)
    db.session.add(analysis := Analysis(event_id=event.id, method="orion", pilot_user_id=referent.id))
    db.session.commit()
    client = login(personas[Role.QUALITY_REFERENT])
    traceur_page = client.get(f"/qualite/seances/{session.id}").text
    assert "Écrit, signé" in traceur_page and "Médico-social" in traceur_page
    page = client.get(f"/qualite/analyses/{analysis.id}").text
    assert "1. Collecte des données" in page and "Récupération" in page and "Facteurs humains" in page
    assert "Corrective" in page
    review = client.get("/qualite/indicateurs/revue").text
    assert "Calculé par Vigie" in review and "Séances tenues dans l&#39;année" in review
