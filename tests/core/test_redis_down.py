"""Redis unreachable: people can still log in, failures are counted in the process, /healthz says so."""

import logging

import pytest

from crisis_app.core.roles import Role
from tests.conftest import form_post

CLOSED_PORT = "redis://127.0.0.1:1/0"


@pytest.fixture
def redis_down(app, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_STORAGE_URI", CLOSED_PORT)
    app.extensions.pop("vigie_login_limiter", None)


def test_login_works_while_redis_is_unreachable(client, personas, redis_down):
    persona = personas[Role.COORDINATOR]
    response = form_post(client, "/connexion", {"email": persona.user.email, "password": persona.password})
    assert response.status_code == 302


def test_wrong_password_is_refused_not_a_500_while_redis_is_unreachable(client, personas, redis_down):
    persona = personas[Role.COORDINATOR]
    response = form_post(client, "/connexion", {"email": persona.user.email, "password": "wrong password!"})
    assert response.status_code == 401
    assert "Adresse e-mail ou mot de passe incorrect" in response.text


def test_failures_are_still_limited_in_the_process_while_redis_is_unreachable(client, personas, redis_down):
    persona = personas[Role.COORDINATOR]
    codes = [form_post(client, "/connexion", {"email": persona.user.email, "password": "wrong password!"},
                       token_from="/connexion").status_code for _ in range(6)]
    assert codes == [401] * 5 + [429]


def test_redis_outage_is_logged_once(client, personas, redis_down, caplog):
    persona = personas[Role.COORDINATOR]
    with caplog.at_level(logging.WARNING, logger="crisis_app.core.auth.ratelimit"):
        for _ in range(3):
            form_post(client, "/connexion", {"email": persona.user.email, "password": "wrong password!"})
    warnings = [r for r in caplog.records if "Redis unreachable" in r.getMessage()]
    assert len(warnings) == 1


def test_healthz_reports_the_login_limiter_degraded_while_redis_is_unreachable(client, redis_down):
    body = client.get("/healthz", headers={"Accept": "application/json"}).get_json()
    assert body["checks"]["login_limiter"]["status"] == "degraded"
    assert body["checks"]["login_limiter"]["ok"] is False
    assert body["status"] == "degraded"
    page = client.get("/healthz", headers={"Accept": "text/html"}).text
    assert "Redis injoignable" in page
