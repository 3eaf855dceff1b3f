"""Patient traceur: a pseudonymous label only, the agreement recorded, steps and gaps screened, the minutes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from crisis_app.core.db import db, utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.roles import Role
from quality.action_followup import actions
from quality.sessions import traceur
from tests.quality.conftest import row_counts
from tests.quality.sessionkit import crex, minutes_made, started


@pytest.fixture
def referent(personas):
    return personas[Role.QUALITY_REFERENT].user


def _data(**overrides) -> dict:
    data = {"label": "Patient A", "agreement_on": utcnow().date() - timedelta(days=3), "agreement_how": "oral",
            "interview_summary": "Sortie un vendredi soir, traitement habituel non repris.",
            "steps": [{"when": "J0", "setting": "hopital", "description": "Sortie d'hospitalisation.",
                       "interface_with": "ville", "procedure": "Protocole de sortie CPTS",
                       "gap": "Compte rendu remis le lundi."},
                      {"when": "J2", "setting": "ville", "description": "Passage de l'infirmière."}]}
    data.update(overrides)
    return data


def test_a_patient_traceur_keeps_its_pathway_with_interfaces_and_gaps(referent):
    session = crex(referent, kind="patient_traceur")
    saved = traceur.save(actor=referent, session=session, data=_data())
    assert saved.label == "Patient A" and [s.setting for s in saved.steps] == ["hopital", "ville"]
    assert saved.steps[0].gap and saved.steps[0].interface_with == "ville"
    action = actions.create(actor=referent, data={
        "title": "Compte rendu de sortie le jour même", "action_type": "amelioration",
        "source_type": "patient_traceur", "source_id": saved.id, "owner_user_id": referent.id,
        "due_on": utcnow().date() + timedelta(days=60)})
    assert action.source_label == f"Patient traceur n° {saved.id}"


@pytest.mark.parametrize("label", ["Jean Dupont", "Mme Martin", "Dupont", ""])
def test_a_name_as_label_is_refused_and_nothing_is_stored(referent, label):
    session = crex(referent, kind="patient_traceur")
    before = row_counts()
    with pytest.raises(ServiceError) as refused:
        traceur.save(actor=referent, session=session, data=_data(label=label))
    assert "label" in refused.value.fields
    db.session.rollback()
    assert row_counts() == before


@pytest.mark.parametrize("label", ["Patient A", "PT-2026-03", "parcours 12"])
def test_pseudonymous_labels_are_accepted(referent, label):
    session = crex(referent, kind="patient_traceur")
    assert traceur.save(actor=referent, session=session, data=_data(label=label)).label == label


def test_a_phone_number_in_a_step_is_refused(referent):
    session = crex(referent, kind="patient_traceur")
    steps = [{"setting": "ville", "description": "Fille jointe au 06 12 34 56 78."}]
    with pytest.raises(ServiceError) as refused:
        traceur.save(actor=referent, session=session, data=_data(steps=steps))
    assert refused.value.code == "patient_data"


def test_a_crex_is_not_a_patient_traceur(referent):
    with pytest.raises(ServiceError) as refused:
        traceur.save(actor=referent, session=crex(referent), data=_data())
    assert refused.value.status == 409


def test_the_traceur_is_recorded_from_the_meeting_page_and_printed_in_the_minutes(login, personas, referent):
    from io import BytesIO

    from pypdf import PdfReader

    from quality.sessions import minutes
    from quality.sessions import services as sessions
    from tests.conftest import csrf_token

    session = crex(referent, kind="patient_traceur")
    client = login(personas[Role.QUALITY_REFERENT])
    page = f"/qualite/seances/{session.id}"
    response = client.post(f"{page}/traceur", data={
        "csrf_token": csrf_token(client, page), "label": "PT-2026-01",
        "agreement_on": (utcnow().date() - timedelta(days=2)).isoformat(), "agreement_how": "ecrit",
        "step_when": ["J0", "J1"], "step_setting": ["hopital", "ville"],
        "step_description": ["Sortie d'hospitalisation.", "Visite du médecin traitant."],
        "step_interface_with": ["ville", ""], "step_procedure": ["", ""], "step_gap": ["Ordonnance absente.", ""]})
    assert response.status_code == 302
    db.session.expire_all()
    assert [s.description for s in session.traceur.steps] == ["Sortie d'hospitalisation.",
                                                              "Visite du médecin traitant."]
    sessions.set_attendance(actor=referent, session=session, present_ids=[session.participants[0].id])
    sessions.hold(actor=referent, session=started(session))
    minutes.make(actor=referent, session=session)
    text = PdfReader(BytesIO(minutes_made(session))).pages[0].extract_text()
    assert "PT-2026-01" in text and "Ordonnance absente." in text


def test_the_traceur_is_recorded_through_the_api_and_a_name_answers_422(client, referent):
    from crisis_app.core.auth import services as auth_services

    session = crex(referent, kind="patient_traceur")
    headers = {"Authorization": f"Bearer {auth_services.issue_token(actor=None, user=referent)}"}
    body = {**_data(), "agreement_on": (utcnow().date() - timedelta(days=3)).isoformat()}
    answer = client.put(f"/api/v1/quality/sessions/{session.id}/traceur", json=body, headers=headers)
    assert answer.status_code == 200 and answer.json["label"] == "Patient A" and len(answer.json["steps"]) == 2
    refused = client.put(f"/api/v1/quality/sessions/{session.id}/traceur", json={**body, "label": "Jean Dupont"},
                         headers=headers)
    assert refused.status_code == 422 and "label" in refused.json["error"]["fields"]
