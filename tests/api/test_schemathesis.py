"""Property-based run of the whole API from its OpenAPI document: no input gives a 5xx,
every answer matches the documented schemas and status codes."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from crisis_app.core.auth import services as auth_services
from crisis_app.core.roles import Role


@pytest.fixture
def api_schema(app, db_session):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


@pytest.fixture
def coordinator_token(personas):
    return auth_services.issue_token(actor=None, user=personas[Role.COORDINATOR].user)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_openapi_document(case, coordinator_token):
    case.call_and_validate(headers={"Authorization": f"Bearer {coordinator_token}"})
