"""Every view and endpoint is guarded; each role is refused what it may not do."""

import pytest

from crisis_app.core.roles import Role
from tests.conftest import form_post

# Reachable without login, each on purpose: answer links carry their own signature, webhooks an HMAC.
PUBLIC_ENDPOINTS = {"static", "auth.login", "core.healthz", "api-docs.openapi_json", "answers.answer",
                    "webhooks.sms_reply", "webhooks.receipt", "directory_campaign.confirm",
                    "quality_public.public_declare", "quality_public.follow_up"}  # secret link, rate-limited
ALL_BUT_COORDINATOR = [r for r in Role if r is not Role.COORDINATOR]


def _view_permissions(app, endpoint):
    view = app.view_functions[endpoint]
    view_class = getattr(view, "view_class", None)
    if view_class is None:
        return {"*": getattr(view, "vigie_permission", "missing")}
    return {m: getattr(getattr(view_class, m.lower()), "vigie_permission", "missing")
            for m in view_class.methods}


def test_every_endpoint_declares_its_permission(app):
    """A new view without permission_required (or an explicit @public) fails here."""
    unguarded = []
    for endpoint in app.view_functions:
        if endpoint in PUBLIC_ENDPOINTS or endpoint == "auth.logout":
            continue
        for method, permission in _view_permissions(app, endpoint).items():
            if permission in (None, "missing"):
                unguarded.append(f"{endpoint} {method}")
    assert unguarded == []


def test_anonymous_is_refused_everywhere_but_public_pages(app, client):
    adapter = app.url_map.bind("localhost")
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        url = adapter.build(rule.endpoint, {name: 1 for name in rule.arguments})
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            response = client.open(url, method=method)
            expected = {401} if url.startswith("/api/") else {302, 400}  # 400: CSRF before login on POST
            assert response.status_code in expected, f"{method} {url} -> {response.status_code}"


@pytest.mark.parametrize("role", ALL_BUT_COORDINATOR)
def test_only_the_coordinator_reads_the_audit_trail(client, personas, login, role):
    login(personas[role])
    assert client.get("/admin/audit").status_code == 403
    assert client.get("/api/v1/audit-events").status_code == 403


@pytest.mark.parametrize("role", ALL_BUT_COORDINATOR)
def test_only_the_coordinator_manages_accounts(client, personas, login, role):
    login(personas[role])
    assert client.get("/admin/utilisateurs").status_code == 403
    response = client.post("/admin/utilisateurs", data={})
    assert response.status_code in (400, 403)
    assert client.get(f"/admin/utilisateurs/{personas[role].user.id}").status_code == 403


def test_refusal_page_is_french(client, personas, login):
    login(personas[Role.PROFESSIONAL])
    response = client.get("/admin/audit")
    assert response.status_code == 403
    assert "Accès refusé" in response.text


def test_coordinator_creates_an_account_from_the_form(client, personas, login):
    login(personas[Role.COORDINATOR])
    response = form_post(client, "/admin/utilisateurs", {
        "full_name": "Inès Martin", "email": "ines.martin@example.org", "role": "crisis_cell",
        "password": "long enough password"})
    assert response.status_code == 302
    listing = client.get("/admin/utilisateurs").text
    assert "ines.martin@example.org" in listing and "Membre de la cellule de crise" in listing


def test_account_form_names_the_bad_field_in_french_and_creates_nothing(client, personas, login):
    login(personas[Role.COORDINATOR])
    response = form_post(client, "/admin/utilisateurs", {
        "full_name": "Inès Martin", "email": "pas-une-adresse", "role": "crisis_cell", "password": "court"})
    assert response.status_code == 400
    assert "Adresse e-mail invalide." in response.text
    assert "au moins 10 caractères" in response.text
    assert "pas-une-adresse" not in client.get("/admin/utilisateurs").text.split("Créer un compte")[0]


def test_coordinator_cannot_demote_themself(client, personas, login):
    coordinator = personas[Role.COORDINATOR].user
    login(personas[Role.COORDINATOR])
    response = form_post(client, f"/admin/utilisateurs/{coordinator.id}",
                         {"full_name": coordinator.full_name, "role": "professional", "active": "y"})
    assert response.status_code == 200
    assert "Vous ne pouvez pas retirer votre propre rôle" in response.text
    assert client.get("/admin/audit").status_code == 200
