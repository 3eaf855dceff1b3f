"""The survey pages: a referent imports the CPTS's questionnaire as CSV from the page; every other role is refused
with a valid form, so only the role can fail it; a professional does not read results."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from crisis_app.core.db import db
from crisis_app.core.roles import Role
from quality.surveys.models import Survey
from tests.conftest import csrf_token
from tests.quality.conftest import row_counts

CSV = "dimension;question;sens\nÉcoute;On m'a écouté.;\nÉcoute;On m'a ignoré.;inversé\n".encode()


def _form(token: str) -> dict:
    return {"kind": "satisfaction", "title": "Avis des aidants", "note": "Questionnaire de la CPTS",
            "file": (io.BytesIO(CSV), "questionnaire.csv"), "csrf_token": token}


def test_a_referent_imports_a_questionnaire_from_a_csv_file(login, personas, client):
    login(personas[Role.QUALITY_REFERENT])
    token = csrf_token(client, "/qualite/questionnaires/nouveau")
    response = client.post("/qualite/questionnaires/nouveau", data=_form(token), content_type="multipart/form-data")
    assert response.status_code == 302
    survey = db.session.scalar(sa.select(Survey).where(Survey.title == "Avis des aidants"))
    assert [(q.text, q.negative) for q in survey.questions] == [("On m'a écouté.", False), ("On m'a ignoré.", True)]
    page = client.get(response.headers["Location"])
    assert "à partir de 5 réponses" in page.text


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.QUALITY_REFERENT])
def test_other_roles_cannot_create_a_questionnaire_even_with_a_valid_form(login, personas, client, role):
    login(personas[role])
    token = csrf_token(client, "/qualite/declarer")
    before = row_counts()
    response = client.post("/qualite/questionnaires/nouveau", data=_form(token), content_type="multipart/form-data")
    assert response.status_code == 403
    assert row_counts() == before


def test_a_professional_does_not_read_results(login, personas, client):
    login(personas[Role.PROFESSIONAL])
    assert client.get("/qualite/questionnaires").status_code == 403
