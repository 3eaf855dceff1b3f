"""The directory's single-line fields (names, e-mails, organisation names, functions…) refuse line breaks and
control characters, in the API, the forms and the imports, and the OpenAPI document says so."""

import pytest
import sqlalchemy as sa

from crisis_app.core.api import SINGLE_LINE_PATTERN
from crisis_app.core.auth import services as auth_services
from crisis_app.core.db import db
from crisis_app.core.roles import Role
from crisis_app.directory.organisations.models import Organisation
from tests import factories


@pytest.fixture
def coordinator_headers(personas):
    return {"Authorization": f"Bearer {auth_services.issue_token(actor=None, user=personas[Role.COORDINATOR].user)}"}


@pytest.mark.parametrize("bad", ["Martin\nDupont", "Martin\r\nX", "Mar\ttin", "Mar\u2028tin", "Ma\x85rtin"])
def test_a_professional_name_on_two_lines_is_refused_and_nothing_changes(client, coordinator_headers, bad):
    entry = factories.professional()
    before = entry.last_name
    response = client.patch(f"/api/v1/professionals/{entry.id}", json={"last_name": bad},
                            headers=coordinator_headers)
    assert response.status_code == 422
    assert "Une seule ligne" in response.get_json()["error"]["fields"]["last_name"][0]
    db.session.refresh(entry)
    assert entry.last_name == before


def test_an_organisation_name_on_two_lines_is_refused(client, coordinator_headers):
    response = client.post("/api/v1/organisations", json={
        "name": "ARS\nOccitanie", "kind": "ars", "contacts": [{"name": "A", "email": "a@example.org"}]},
        headers=coordinator_headers)
    assert response.status_code == 422 and "name" in response.get_json()["error"]["fields"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Organisation)) == 0


def test_an_audience_description_may_hold_several_lines(client, coordinator_headers):
    response = client.post("/api/v1/audiences", json={"name": "Garde", "kind": "filter", "criteria": {},
                                                      "description": "Ligne 1\nLigne 2"}, headers=coordinator_headers)
    assert response.status_code == 201, response.text


def test_the_openapi_document_states_the_single_line_rule(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    schemas = spec["components"]["schemas"]
    assert schemas["ProfessionalInput"]["properties"]["last_name"]["pattern"] == SINGLE_LINE_PATTERN
    assert schemas["AudienceInput"]["properties"]["description"]["pattern"] == "^[^\\u0000]*$"
