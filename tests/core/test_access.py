"""Every view and endpoint is guarded; each role is refused what it may not do."""

import pytest

from crisis_app.core.auth import services as auth_services
from crisis_app.core.roles import Role
from tests.conftest import csrf_token, form_post

# Reachable without login, each on purpose: answer links carry their own signature, webhooks an HMAC.
# "Mot de passe oublié" answers the same for every address; the set-password link is signed and single-use.
PUBLIC_ENDPOINTS = {"static", "auth.login", "auth.forgot_password", "auth.set_password", "core.healthz",
                    "api-docs.openapi_json", "answers.answer",
                    "webhooks.sms_reply", "webhooks.receipt", "directory_campaign.confirm",
                    "quality_public.public_declare", "quality_public.follow_up",  # secret link, rate-limited
                    "quality_public.send_follow_up_link",  # the secret in the body, rate-limited
                    "crisis_public.page",  # the population's information page: public on purpose
                    "quality_surveys_public.personal",  # a signed single-use link
                    "quality_surveys_public.point_answer"}  # a cabinet's public link, rate-limited
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
    """Unsafe requests carry a valid CSRF token: the login guard, not the CSRF check, must be what refuses."""
    token = csrf_token(client, "/connexion")
    adapter = app.url_map.bind("localhost")
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        url = adapter.build(rule.endpoint, {name: 1 for name in rule.arguments})
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            response = client.open(url, method=method, data={"csrf_token": token}, headers={"X-CSRFToken": token})
            expected = 401 if url.startswith("/api/") else 302
            assert response.status_code == expected, f"{method} {url} -> {response.status_code}"
            if expected == 302:
                assert "/connexion" in response.headers["Location"]


@pytest.mark.parametrize("role", ALL_BUT_COORDINATOR)
def test_only_the_coordinator_reads_the_audit_trail(client, personas, login, role):
    login(personas[role])
    assert client.get("/admin/audit").status_code == 403
    assert client.get("/api/v1/audit-events").status_code == 403


NEW_ACCOUNT = {"full_name": "Inès Martin", "email": "ines.martin@example.org", "role": "crisis_cell"}


def _refused_account_creation(client, persona_user) -> None:
    """Everything right but the role (valid CSRF token, valid form and JSON body): exactly 403, nothing created."""
    token = csrf_token(client, "/mon-compte")
    page = client.post("/admin/utilisateurs", data={**NEW_ACCOUNT, "csrf_token": token})
    assert page.status_code == 403, f"page answered {page.status_code}"
    api = client.post("/api/v1/users", json=NEW_ACCOUNT, headers={"X-CSRFToken": token})
    assert api.status_code == 403, f"API answered {api.status_code}"
    edit = client.post(f"/admin/utilisateurs/{persona_user.id}",
                       data={"full_name": "X", "role": "coordinator", "active": "y", "csrf_token": token})
    assert edit.status_code == 403, f"edit answered {edit.status_code}"
    assert auth_services.get_user_by_email(NEW_ACCOUNT["email"]) is None


@pytest.mark.parametrize("role", ALL_BUT_COORDINATOR)
def test_only_the_coordinator_manages_accounts(client, personas, login, role):
    login(personas[role])
    assert client.get("/admin/utilisateurs").status_code == 403
    _refused_account_creation(client, personas[role].user)
    assert client.get(f"/admin/utilisateurs/{personas[role].user.id}").status_code == 403


def test_the_refusal_test_fails_when_the_permission_guard_is_removed(client, personas, login, monkeypatch):
    """The harness can fail: with the role check taken out of every guard, the same refusal test breaks."""
    from flask_login import current_user

    from crisis_app.core import access
    from crisis_app.core.auth import views as auth_views

    def require_login_only(permission):
        if not current_user.is_authenticated:
            access.abort(401)
        return current_user._get_current_object()

    login(personas[Role.PROFESSIONAL])
    monkeypatch.setattr(access, "require", require_login_only)  # what @permission_required calls
    monkeypatch.setattr(auth_views, "require", require_login_only)  # the POST-only check inside the view
    with pytest.raises(AssertionError, match="page answered 302"):
        _refused_account_creation(client, personas[Role.PROFESSIONAL].user)


def test_refusal_page_is_french(client, personas, login):
    login(personas[Role.PROFESSIONAL])
    response = client.get("/admin/audit")
    assert response.status_code == 403
    assert "Accès refusé" in response.text


def test_coordinator_creates_an_account_from_the_form(client, personas, login):
    login(personas[Role.COORDINATOR])
    response = form_post(client, "/admin/utilisateurs", {
        "full_name": "Inès Martin", "email": "ines.martin@example.org", "role": "crisis_cell"})
    assert response.status_code == 302
    listing = client.get("/admin/utilisateurs").text
    assert "ines.martin@example.org" in listing and "Membre de la cellule de crise" in listing


def test_account_form_names_the_bad_field_in_french_and_creates_nothing(client, personas, login):
    login(personas[Role.COORDINATOR])
    response = form_post(client, "/admin/utilisateurs", {
        "full_name": "Inès Martin", "email": "pas-une-adresse", "role": ""})
    assert response.status_code == 400
    assert "Adresse e-mail invalide." in response.text
    assert "Choisissez le rôle du compte." in response.text
    assert "pas-une-adresse" not in client.get("/admin/utilisateurs").text.split("Créer un compte")[0]


def test_coordinator_cannot_demote_themself(client, personas, login):
    coordinator = personas[Role.COORDINATOR].user
    login(personas[Role.COORDINATOR])
    response = form_post(client, f"/admin/utilisateurs/{coordinator.id}",
                         {"full_name": coordinator.full_name, "role": "professional", "active": "y"})
    assert response.status_code == 200
    assert "Vous ne pouvez pas retirer votre propre rôle" in response.text
    assert client.get("/admin/audit").status_code == 200
