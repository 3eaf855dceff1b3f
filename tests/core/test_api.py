"""The API base: bearer tokens, the structured error format, CSRF for cookie sessions, OpenAPI."""

import hashlib

import sqlalchemy as sa

from crisis_app.core.auth import services as auth_services
from crisis_app.core.db import db
from crisis_app.core.models import ApiToken, User
from crisis_app.core.roles import Role


def _bearer(user):
    return {"Authorization": f"Bearer {auth_services.issue_token(actor=None, user=user)}"}


def test_missing_token_gets_401_with_the_structured_error(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.get_json() == {"error": {
        "code": "unauthorized", "message": "Authentification requise : jeton absent, invalide ou expiré.",
        "fields": {}}}
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_forged_token_gets_401(client, personas):
    response = client.get("/api/v1/me", headers={"Authorization": "Bearer vg_forged"})
    assert response.status_code == 401


def test_token_identifies_its_user_and_only_its_hash_is_stored(client, personas):
    user = personas[Role.CRISIS_REFERENT].user
    token = auth_services.issue_token(actor=None, user=user)
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.get_json()["email"] == user.email and response.get_json()["role"] == "crisis_referent"
    stored = db.session.scalars(sa.select(ApiToken.token_hash).where(ApiToken.user_id == user.id)).all()
    assert stored == [hashlib.sha256(token.encode()).hexdigest()]


def test_token_of_a_deactivated_user_stops_working(client, personas):
    user = personas[Role.CRISIS_CELL].user
    headers = _bearer(user)
    user.active = False
    db.session.commit()
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_role_without_permission_gets_403_structured(client, personas):
    response = client.get("/api/v1/users", headers=_bearer(personas[Role.ARS_OBSERVER].user))
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"


def test_invalid_body_gets_422_naming_each_field_and_creates_nothing(client, personas):
    headers = _bearer(personas[Role.COORDINATOR].user)
    count = db.session.scalar(sa.select(sa.func.count()).select_from(User))
    response = client.post("/api/v1/users", json={"email": "nope", "role": "king", "full_name": "X",
                                                  "password": "short"}, headers=headers)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_error"
    assert set(error["fields"]) == {"email", "role", "password"}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == count


def test_coordinator_creates_then_deactivates_an_account(client, personas):
    headers = _bearer(personas[Role.COORDINATOR].user)
    created = client.post("/api/v1/users", json={"email": "lea@example.org", "role": "crisis_cell",
                                                 "full_name": "Léa Petit", "password": "0123456789"},
                          headers=headers)
    assert created.status_code == 201
    user_id = created.get_json()["id"]
    duplicate = client.post("/api/v1/users", json={"email": "lea@example.org", "role": "crisis_cell",
                                                   "full_name": "Léa", "password": "0123456789"},
                            headers=headers)
    assert duplicate.status_code == 409 and duplicate.get_json()["error"]["code"] == "email_taken"
    patched = client.patch(f"/api/v1/users/{user_id}", json={"active": False}, headers=headers)
    assert patched.status_code == 200 and patched.get_json()["active"] is False
    assert client.get("/api/v1/users/999999", headers=headers).status_code == 404


def test_cookie_session_api_writes_need_the_csrf_token(client, personas, login):
    login(personas[Role.COORDINATOR])
    body = {"email": "x@example.org", "role": "crisis_cell", "full_name": "X", "password": "0123456789"}
    refused = client.post("/api/v1/users", json=body)
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "csrf_failed"
    from tests.conftest import csrf_token

    accepted = client.post("/api/v1/users", json=body, headers={"X-CSRFToken": csrf_token(client, "/")})
    assert accepted.status_code == 201


def test_unknown_api_path_answers_json_404(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"


def test_openapi_document_describes_schemas_and_bearer_auth(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    assert "/api/v1/users" in doc["paths"] and "/api/v1/audit-events" in doc["paths"]
    assert doc["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert "User" in doc["components"]["schemas"]
    assert set(doc["components"]["schemas"]["Error"]["properties"]) == {"error"}
