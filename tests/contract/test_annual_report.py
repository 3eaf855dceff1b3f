"""The annual report ("bilan annuel"): its PDF and CSV made by a worker (core.documents, wait page with progress),
kept until the year's content changes; it holds the plan, the year's activities, crises with their RETEX, alerts,
quality figures, the action plan and each indicator against its target; the coordinator and the observer read it,
nobody else."""

from __future__ import annotations

import csv
import io

import pytest
import sqlalchemy as sa

from crisis_app.contract import documents as report_documents
from crisis_app.core.auth import services as auth_services
from crisis_app.core.csvexport import DELIMITER
from crisis_app.core.db import db
from crisis_app.core.documents.models import Document, DocumentStatus
from crisis_app.core.documents.tasks import make_document
from crisis_app.core.roles import Role
from crisis_app.plan import activities
from quality.indicators import targets
from tests.conftest import csrf_token
from tests.documents import fetch, made_id

READERS = [Role.COORDINATOR, Role.ARS_OBSERVER]
OTHERS = [r for r in Role if r not in READERS]


def _headers(user) -> dict:
    return {"Authorization": f"Bearer {auth_services.issue_token(actor=None, user=user)}"}


@pytest.fixture
def year_with_activity(personas, contract, ars_crisis):
    referent = personas[Role.CRISIS_REFERENT].user
    activities.create_activity(actor=referent, year=2026, data={
        "kind": "exercise", "title": "Exercice canicule", "done_on": "2026-03-12", "participant_ids": []})
    ars_crisis()
    targets.set_target(actor=personas[Role.COORDINATOR].user, indicator="mission.actions_done", year=2026, value=2,
                       conditions_variable=True)
    return 2026


def _documents() -> list[Document]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Document).where(Document.kind.in_(report_documents.KINDS.values()))
                                   .order_by(Document.id)))


def _made(user, file: str = "pdf") -> Document:
    """What a reader's click does, then the worker."""
    document = report_documents.request_report(2026, file=file, actor=user)
    db.session.commit()
    make_document(document.id)
    db.session.refresh(document)
    return document


def test_the_report_is_made_by_the_worker_followed_then_downloaded(login, personas, year_with_activity):
    client = login(personas[Role.COORDINATOR])
    response = client.post("/contrat/bilan", data={"year": "2026", "file": "pdf",
                                                   "csrf_token": csrf_token(client, "/contrat/bilan")})
    assert response.status_code == 303 and response.headers["Location"].endswith("/contrat/bilan/2026.pdf")
    asked = client.get("/contrat/bilan/2026.pdf")
    document_id = made_id(asked)
    assert document_id is not None  # the request made no PDF: it sent its user to the wait page
    page = client.get(f"/documents/{document_id}").text
    assert 'data-testid="document-progress"' in page and "Bilan annuel en PDF" in page
    make_document(document_id)  # what the worker does
    pdf = client.get(f"/documents/{document_id}/fichier")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert 'filename="bilan-annuel-2026.pdf"' in pdf.headers["Content-Disposition"]
    csv_text = fetch(client, "/contrat/bilan/2026.csv").data.decode("utf-8-sig")
    assert "Exercice canicule" in csv_text and "Canicule" in csv_text
    line = next(row for row in csv.reader(io.StringIO(csv_text), delimiter=DELIMITER) if "Actions réalisées" in row[2])
    assert line[3:6] == ["1", "2.0", "conditionne la part variable ; non atteint"]
    listing = client.get("/contrat/bilan").text
    assert f'href="/documents/{document_id}"' in listing and "Prêt" in listing


def test_the_report_is_kept_until_the_year_changes_then_made_anew(login, personas, year_with_activity):
    client = login(personas[Role.COORDINATOR])
    first = fetch(client, "/contrat/bilan/2026.csv")
    assert first.status_code == 200 and "Exercice canicule" in first.data.decode("utf-8-sig")
    again = client.get("/contrat/bilan/2026.csv")  # nothing changed: the kept file at once, no new document
    assert again.status_code == 200 and again.data == first.data and len(_documents()) == 1
    activities.create_activity(actor=personas[Role.CRISIS_REFERENT].user, year=2026, data={
        "kind": "exercise", "title": "Exercice inondation", "done_on": "2026-05-02", "participant_ids": []})
    db.session.commit()
    changed = client.get("/contrat/bilan/2026.csv")
    assert made_id(changed) is not None  # the year changed: a new document to wait for
    newer = fetch(client, "/contrat/bilan/2026.csv").data.decode("utf-8-sig")
    assert "Exercice inondation" in newer
    assert [d.status for d in _documents()] == [DocumentStatus.READY]  # the older one dropped once the new is made


def test_a_task_delivered_twice_makes_the_report_once(personas, year_with_activity):
    document = _made(personas[Role.COORDINATOR].user)
    made_at = document.made_at
    make_document(document.id)
    db.session.refresh(document)
    assert document.made_at == made_at and document.content.startswith(b"%PDF")


def test_json_holds_every_part_and_each_indicator_against_its_target(client, personas, year_with_activity):
    body = client.get("/api/v1/reports/annual?year=2026", headers=_headers(personas[Role.ARS_OBSERVER].user))
    assert body.status_code == 200
    data = body.get_json()
    assert [a["title"] for a in data["activities"]] == ["Exercice canicule"]
    assert data["crises"][0]["reference"] == "ARS-2026-041" and data["crises"][0]["retex"] == "Non rédigé"
    assert data["plan"]["published"] is False and data["alerts"]["alerts"] == 0
    row = next(r for r in data["indicators"] if r["key"] == "mission.actions_done")
    assert (row["value"], row["target"], row["met"], row["conditions_variable"]) == (1, 2.0, False, True)


def test_api_answers_the_job_until_the_worker_made_the_file_then_the_file(client, personas, year_with_activity):
    headers = _headers(personas[Role.COORDINATOR].user)
    waiting = client.get("/api/v1/reports/annual.pdf?year=2026", headers=headers)
    assert waiting.status_code == 202 and waiting.get_json()["waiting"] is True
    document_id = waiting.get_json()["id"]
    assert client.get(f"/api/v1/reports/annual/documents/{document_id}/file", headers=headers).status_code == 409
    make_document(document_id)
    status = client.get(f"/api/v1/reports/annual/documents/{document_id}", headers=headers).get_json()
    assert (status["progress"], status["ready"], status["year"]) == (100, True, 2026)
    assert client.get(status["download_url"], headers=headers).data.startswith(b"%PDF")
    assert client.get("/api/v1/reports/annual.pdf?year=2026", headers=headers).data.startswith(b"%PDF")
    asked = client.post("/api/v1/reports/annual?year=2026&file=csv", headers=headers)
    assert asked.status_code == 202 and asked.get_json()["kind"] == "annual_report_csv"
    make_document(asked.get_json()["id"])
    assert "Exercice canicule" in client.get("/api/v1/reports/annual.csv?year=2026", headers=headers).text


def test_the_api_names_an_unknown_document_with_a_structured_404(client, personas):
    response = client.get("/api/v1/reports/annual/documents/999999", headers=_headers(personas[Role.COORDINATOR].user))
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"


def test_a_bad_year_is_a_structured_422(client, personas):
    response = client.get("/api/v1/reports/annual?year=1850", headers=_headers(personas[Role.COORDINATOR].user))
    assert response.status_code == 422 and "year" in response.get_json()["error"]["fields"]


@pytest.mark.parametrize("role", OTHERS)
def test_only_the_coordinator_and_the_observer_read_the_report(client, login, personas, year_with_activity, role):
    document = _made(personas[Role.COORDINATOR].user)
    headers = _headers(personas[role].user)
    assert client.get("/api/v1/reports/annual?year=2026", headers=headers).status_code == 403
    assert client.get("/api/v1/reports/annual.pdf?year=2026", headers=headers).status_code == 403
    assert client.get(f"/api/v1/reports/annual/documents/{document.id}", headers=headers).status_code == 403
    page = login(personas[role])
    assert page.get("/contrat/bilan/2026.pdf").status_code == 403
    assert page.get("/contrat/bilan").status_code == 403
    assert page.get(f"/documents/{document.id}/fichier").status_code == 404


def test_the_observer_reads_a_report_the_coordinator_made(login, personas, year_with_activity):
    document = _made(personas[Role.COORDINATOR].user)
    client = login(personas[Role.ARS_OBSERVER])
    assert "Bilan annuel" in client.get("/").text
    assert f'href="/documents/{document.id}"' in client.get("/contrat/bilan").text
    kept = client.get("/contrat/bilan/2026.pdf")  # the year has not changed: the kept PDF at once
    assert kept.status_code == 200 and kept.data == document.content


def test_a_bad_year_or_format_on_the_page_is_told_in_french_and_asks_for_nothing(login, personas):
    client = login(personas[Role.COORDINATOR])
    for data in ({"year": "1850", "file": "pdf"}, {"year": "2026", "file": "docx"}, {"year": "deux", "file": "csv"}):
        answer = client.post("/contrat/bilan", data={**data, "csrf_token": csrf_token(client, "/contrat/bilan")})
        assert answer.status_code == 400 and "Choisissez une année entre 2000 et 2100" in answer.text
    assert client.get("/contrat/bilan/1850.pdf").status_code == 404
    assert _documents() == []
