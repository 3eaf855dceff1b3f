"""Plan API: list, item, section edits, validation with what is missing, publication, next year, diff."""

from __future__ import annotations

import pytest

from crisis_app.core.auth import services as auth_services
from crisis_app.core.roles import Role
from tests.plan.conftest import complete_data


@pytest.fixture
def referent_headers(personas):
    token = auth_services.issue_token(actor=None, user=personas[Role.CRISIS_REFERENT].user)
    return {"Authorization": f"Bearer {token}"}


def test_a_referent_writes_validates_publishes_and_starts_next_year_through_the_api(client, referent_headers,
                                                                                    people, partner):
    created = client.post("/api/v1/plans", json={"year": 2026}, headers=referent_headers)
    assert created.status_code == 201
    plan_id = created.get_json()["id"]
    assert {m["code"] for m in created.get_json()["missing"]} == {"referent", "suppleant", "typology", "cellule"}

    refused = client.post(f"/api/v1/plans/{plan_id}/validate", headers=referent_headers)
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "incomplete"
    assert len(refused.get_json()["error"]["fields"]["missing"]) == 13  # 3 + each typology × gradation
    assert client.get(f"/api/v1/plans/{plan_id}", headers=referent_headers).get_json()["status"] == "draft"

    patched = client.patch(f"/api/v1/plans/{plan_id}", json=complete_data(people, partner), headers=referent_headers)
    assert patched.status_code == 200 and patched.get_json()["missing"] == []
    assert client.post(f"/api/v1/plans/{plan_id}/validate", headers=referent_headers).get_json()["status"] == \
        "validated"
    published = client.post(f"/api/v1/plans/{plan_id}/publish", headers=referent_headers).get_json()
    assert published["status"] == "published" and published["frozen"]["directory"]["total"] >= 4

    again = client.patch(f"/api/v1/plans/{plan_id}", json={"retex": {"method": "x"}}, headers=referent_headers)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "published"

    nxt = client.post("/api/v1/plans/next-year", headers=referent_headers)
    assert nxt.status_code == 201 and nxt.get_json()["year"] == 2027 and nxt.get_json()["status"] == "draft"
    listing = client.get("/api/v1/plans", headers=referent_headers).get_json()
    assert listing == {"items": [{"id": nxt.get_json()["id"], "year": 2027, "status": "draft"},
                                 {"id": plan_id, "year": 2026, "status": "published"}], "total": 2}


def test_the_diff_endpoint_lists_changes_section_by_section(client, referent_headers, complete_draft, personas,
                                                            people):
    from crisis_app.plan import services

    referent = personas[Role.CRISIS_REFERENT].user
    services.validate_plan(actor=referent, plan=complete_draft)
    services.publish_plan(actor=referent, plan=complete_draft)
    nxt = services.start_next_year(actor=referent)
    client.patch(f"/api/v1/plans/{nxt.id}", headers=referent_headers,
                 json={"anticipation": {**nxt.anticipation, "referent_id": people[3].id}})
    url = f"/api/v1/plans/{nxt.id}/diff?against={complete_draft.id}"
    body = client.get(url, headers=referent_headers).get_json()
    anticipation = next(s for s in body["sections"] if s["section"] == "anticipation")
    assert anticipation["changed"][0]["item"] == "Référent crise sanitaire"
    assert anticipation["changed"][0]["new"].startswith(people[3].display_name)


def test_bad_sections_answer_422_with_the_fields_and_change_nothing(client, referent_headers, draft):
    bad = client.patch(f"/api/v1/plans/{draft.id}", headers=referent_headers, json={
        "adaptation": {"measures": [{"typology": 9, "gradation": 3}]},
        "pilotage": {"members": [{"role": "", "professional_id": "x"}]}})
    assert bad.status_code == 422
    fields = bad.get_json()["error"]["fields"]
    assert "typology" in str(fields["adaptation"]) and "professional_id" in str(fields["pilotage"])
    assert client.get(f"/api/v1/plans/{draft.id}", headers=referent_headers).get_json()["pilotage"]["members"] == []


def test_unknown_versions_answer_404_and_huge_ids_never_500(client, referent_headers):
    assert client.get("/api/v1/plans/987654", headers=referent_headers).status_code == 404
    assert client.get(f"/api/v1/plans/{2**40}", headers=referent_headers).status_code == 404
    assert client.get(f"/plan/{2**40}", headers=referent_headers).status_code in (302, 404)


def test_the_ars_observer_reads_the_indicators(client, personas, draft):
    token = auth_services.issue_token(actor=None, user=personas[Role.ARS_OBSERVER].user)
    body = client.get("/api/v1/plans/indicators?year=2026", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert body["year"] == 2026 and body["plan_written"] is False and body["evaluations_done"] == 0


def test_the_plan_pdf_is_made_by_a_worker_and_followed_through_the_documents_api(client, referent_headers, personas,
                                                                               complete_draft):
    import io

    from pypdf import PdfReader

    from crisis_app.core.documents.tasks import make_document

    asked = client.get(f"/api/v1/plans/{complete_draft.id}/pdf", headers=referent_headers)
    assert asked.status_code == 202 and asked.get_json()["status"] == "queued"
    state_url, file_url = asked.get_json()["status_url"], asked.get_json()["download_url"]
    early = client.get(file_url, headers=referent_headers)
    assert early.status_code == 409 and early.get_json()["error"]["code"] == "not_ready"
    # a role that may not read the plan learns nothing of its document, not even that it exists
    professional = {"Authorization": "Bearer " + auth_services.issue_token(
        actor=None, user=personas[Role.PROFESSIONAL].user)}
    assert client.get(state_url, headers=professional).status_code == 404
    assert client.get(file_url, headers=professional).status_code == 404

    make_document(asked.get_json()["id"])  # what the worker does
    state = client.get(state_url, headers=referent_headers).get_json()
    assert state["ready"] and state["progress"] == 100 and state["kind"] == "plan"
    made = client.get(file_url, headers=referent_headers)
    assert made.status_code == 200 and made.mimetype == "application/pdf"
    assert f"plan-action-{complete_draft.year}" in made.headers["Content-Disposition"]
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(made.data)).pages)
    assert str(complete_draft.year) in text
    # asked again while the version has not changed: the kept file at once
    again = client.get(f"/api/v1/plans/{complete_draft.id}/pdf", headers=referent_headers)
    assert again.status_code == 200 and again.data == made.data
