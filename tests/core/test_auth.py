"""Login, logout, passwords, sessions and the failed-login rate limit."""

import sqlalchemy as sa

from crisis_app.core.db import db
from crisis_app.core.models import AuditEvent, User
from crisis_app.core.roles import Role
from tests.conftest import form_post


def test_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/connexion?next=")


def test_login_page_is_french_and_carries_a_csrf_token(client):
    page = client.get("/connexion")
    assert page.status_code == 200
    assert 'lang="fr"' in page.text
    assert "Mot de passe" in page.text
    assert 'name="csrf_token"' in page.text


def test_user_logs_in_and_lands_on_the_home_page_of_their_role(client, personas, login):
    login(personas[Role.CRISIS_REFERENT])
    home = client.get("/")
    assert home.status_code == 200
    assert "Référent crise sanitaire" in home.text
    assert "Bonjour Julien Référent" in home.text


def test_login_follows_a_local_next_but_never_an_external_one(client, personas):
    persona = personas[Role.COORDINATOR]
    creds = {"email": persona.user.email, "password": persona.password}
    response = form_post(client, "/connexion?next=/admin/audit", creds)
    assert response.headers["Location"] == "/admin/audit"
    client.post("/deconnexion", data={"csrf_token": _token(client)})
    response = form_post(client, "/connexion?next=//evil.example.com/", creds)
    assert response.headers["Location"] == "/"


def _token(client):
    from tests.conftest import csrf_token

    return csrf_token(client, "/mon-compte")


def test_wrong_password_is_refused_in_french_and_audited(client, personas):
    persona = personas[Role.PROFESSIONAL]
    response = form_post(client, "/connexion", {"email": persona.user.email, "password": "wrong password"})
    assert response.status_code == 401
    assert "Adresse e-mail ou mot de passe incorrect." in response.text
    assert client.get("/").status_code == 302
    failure = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "auth.login_failed"))
    assert failure is not None and persona.user.email in failure.summary


def test_login_form_without_csrf_token_is_refused_and_logs_nobody_in(client, personas):
    persona = personas[Role.PROFESSIONAL]
    response = client.post("/connexion", data={"email": persona.user.email, "password": persona.password})
    assert response.status_code == 400
    assert "CSRF" in response.text
    assert client.get("/").status_code == 302


def test_too_many_failures_block_even_the_right_password_for_a_while(client, personas):
    persona = personas[Role.COORDINATOR]
    for _ in range(5):
        form_post(client, "/connexion", {"email": persona.user.email, "password": "not the password"})
    response = form_post(client, "/connexion", {"email": persona.user.email, "password": persona.password})
    assert response.status_code == 429
    assert "Trop de tentatives" in response.text
    assert client.get("/").status_code == 302


def test_deactivated_account_cannot_log_in(client, personas):
    persona = personas[Role.CRISIS_CELL]
    persona.user.active = False
    db.session.commit()
    response = form_post(client, "/connexion", {"email": persona.user.email, "password": persona.password})
    assert response.status_code == 401


def test_logout_needs_post_with_csrf_and_ends_the_session(client, personas, login):
    login(personas[Role.PROFESSIONAL])
    assert client.get("/deconnexion").status_code == 405
    assert client.post("/deconnexion").status_code == 400  # no CSRF token: still logged in
    assert client.get("/").status_code == 200
    response = client.post("/deconnexion", data={"csrf_token": _token(client)})
    assert response.headers["Location"] == "/connexion"
    assert client.get("/").status_code == 302


def test_passwords_are_stored_hashed(personas):
    user = personas[Role.PROFESSIONAL].user
    assert personas[Role.PROFESSIONAL].password not in user.password_hash
    assert user.password_hash.startswith(("scrypt:", "pbkdf2:"))


def test_user_changes_their_password(client, personas, login):
    persona = personas[Role.PROFESSIONAL]
    login(persona)
    response = form_post(client, "/mon-compte", {"current": persona.password, "new": "a brand new secret",
                                                  "confirm": "a brand new secret"})
    assert response.status_code == 302
    assert db.session.get(User, persona.user.id).check_password("a brand new secret")


def test_wrong_current_password_changes_nothing(client, personas, login):
    persona = personas[Role.PROFESSIONAL]
    login(persona)
    response = form_post(client, "/mon-compte", {"current": "nope nope nope", "new": "a brand new secret",
                                                  "confirm": "a brand new secret"})
    assert response.status_code == 400
    assert "Le mot de passe actuel est incorrect." in response.text
    assert db.session.get(User, persona.user.id).check_password(persona.password)


def test_session_cookie_is_http_only_and_same_site(client, personas, login):
    login(personas[Role.PROFESSIONAL])
    cookie = client.get_cookie("session")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"
