"""Sessions that end: logout and a password change end every session cookie and remember token of the account
(a per-account session version carried by both)."""

from crisis_app.core.auth import services as auth_services
from crisis_app.core.db import db
from crisis_app.core.models import User
from crisis_app.core.roles import Role
from tests.conftest import csrf_token, form_post


def _login(client, persona, *, remember=False):
    data = {"email": persona.user.email, "password": persona.password}
    if remember:
        data["remember"] = "y"
    response = form_post(client, "/connexion", data)
    assert response.status_code == 302, response.text
    return client


def _signed_in(client) -> bool:
    return client.get("/mon-compte").status_code == 200


def test_a_copied_session_cookie_is_refused_after_logout(client, personas):
    _login(client, personas[Role.PROFESSIONAL])
    copy = client.get_cookie("session").value
    client.post("/deconnexion", data={"csrf_token": csrf_token(client, "/mon-compte")})
    assert not _signed_in(client)
    client.set_cookie("session", copy)
    assert not _signed_in(client)
    assert client.get("/api/v1/me").status_code == 401


def test_a_copied_remember_token_is_refused_after_logout(app, client, personas):
    _login(client, personas[Role.PROFESSIONAL], remember=True)
    remember = client.get_cookie("remember_token").value
    client.post("/deconnexion", data={"csrf_token": csrf_token(client, "/mon-compte")})
    thief = app.test_client()
    thief.set_cookie("remember_token", remember)
    assert not _signed_in(thief)


def test_the_remember_token_alone_signs_in_while_the_session_version_holds(app, client, personas):
    """The other side of the refusals above: a valid remember token does sign in (so the tests can fail)."""
    _login(client, personas[Role.PROFESSIONAL], remember=True)
    other = app.test_client()
    other.set_cookie("remember_token", client.get_cookie("remember_token").value)
    assert _signed_in(other)


def test_logout_ends_the_sessions_of_every_device(app, client, personas):
    persona = personas[Role.CRISIS_CELL]
    phone = _login(app.test_client(), persona)
    _login(client, persona)
    client.post("/deconnexion", data={"csrf_token": csrf_token(client, "/mon-compte")})
    assert not _signed_in(phone)


def test_a_password_changed_elsewhere_ends_the_first_clients_session_and_remember_cookie(app, personas):
    persona = personas[Role.PROFESSIONAL]
    first = _login(app.test_client(), persona, remember=True)
    session_copy = first.get_cookie("session").value
    remember_copy = first.get_cookie("remember_token").value
    assert _signed_in(first)

    second = _login(app.test_client(), persona)
    response = form_post(second, "/mon-compte", {"current": persona.password, "new": "une toute nouvelle phrase",
                                                  "confirm": "une toute nouvelle phrase"})
    assert response.status_code == 302
    assert _signed_in(second)  # the device that changed it stays signed in

    assert not _signed_in(first)
    only_session = app.test_client()
    only_session.set_cookie("session", session_copy)
    assert not _signed_in(only_session)
    only_remember = app.test_client()
    only_remember.set_cookie("remember_token", remember_copy)
    assert not _signed_in(only_remember)


def test_the_device_that_changed_its_password_keeps_its_remember_cookie(app, personas):
    persona = personas[Role.PROFESSIONAL]
    client = _login(app.test_client(), persona, remember=True)
    form_post(client, "/mon-compte", {"current": persona.password, "new": "une toute nouvelle phrase",
                                      "confirm": "une toute nouvelle phrase"})
    renewed = app.test_client()
    renewed.set_cookie("remember_token", client.get_cookie("remember_token").value)
    assert _signed_in(renewed)


def test_session_ids_are_id_and_version_and_nothing_else_loads(personas):
    user = personas[Role.COORDINATOR].user
    assert user.get_id() == f"{user.id}:{user.session_version}"
    assert auth_services.user_for_session(user.get_id()) is user
    for forged in (str(user.id), f"{user.id}:{user.session_version + 1}", f"{user.id}:-1", "x:0",
                   f"{user.id}:0:0", "99999999999:0", "٣:0", ""):
        assert auth_services.user_for_session(forged) is None, forged


def test_logout_and_password_change_raise_the_version_in_the_database(client, personas):
    persona = personas[Role.QUALITY_REFERENT]
    before = persona.user.session_version
    _login(client, persona)
    client.post("/deconnexion", data={"csrf_token": csrf_token(client, "/mon-compte")})
    db.session.expire_all()
    assert db.session.get(User, persona.user.id).session_version == before + 1


def _api_status(app, token: str) -> int:
    return app.test_client().get("/api/v1/crises", headers={"Authorization": f"Bearer {token}"}).status_code


def test_a_password_change_revokes_the_accounts_api_tokens_and_says_so(app, personas):
    persona = personas[Role.CRISIS_REFERENT]
    token = auth_services.issue_token(actor=None, user=persona.user)
    other = auth_services.issue_token(actor=None, user=personas[Role.COORDINATOR].user)
    assert _api_status(app, token) == 200
    client = _login(app.test_client(), persona)
    client.post("/deconnexion", data={"csrf_token": csrf_token(client, "/mon-compte")})
    assert _api_status(app, token) == 200  # signing out of a browser leaves the integrations running

    client = _login(app.test_client(), persona)
    response = form_post(client, "/mon-compte", {"current": persona.password, "new": "une toute nouvelle phrase",
                                                  "confirm": "une toute nouvelle phrase"})
    assert response.status_code == 302
    assert "votre jeton d&#39;API est révoqué" in client.get("/mon-compte").text
    assert _api_status(app, token) == 401
    assert _api_status(app, other) == 200  # another account's token is not touched


def test_a_password_set_from_a_reset_link_revokes_the_api_tokens(app, personas):
    from crisis_app.core.auth import passwords

    persona = personas[Role.CRISIS_REFERENT]
    token = auth_services.issue_token(actor=None, user=persona.user)
    link = passwords.make_token(passwords.RESET, persona.user)
    passwords.set_password_from_link(token=link, password="une toute nouvelle phrase")
    db.session.commit()
    assert _api_status(app, token) == 401
