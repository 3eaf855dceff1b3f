"""Request bodies: a global size limit checked before the body is read, larger only where a view says so;
API writes that take a JSON body refuse an empty one."""

import io

from crisis_app.core.roles import Role
from tests.conftest import csrf_token

HUGE = 500 * 1024 * 1024


class CountingStream(io.RawIOBase):
    """An endless body that counts what the server reads of it."""

    def __init__(self):
        self.read_bytes = 0

    def readable(self):
        return True

    def readinto(self, buffer):
        n = min(len(buffer), 65536)
        buffer[:n] = b"x" * n
        self.read_bytes += n
        return n


def _post(client, url, stream, *, length=None, **headers):
    """POST ``stream`` as the WSGI server hands it over (``length`` None: chunked, terminated by the server)."""
    environ = {"wsgi.input": stream}
    if length is None:
        environ.update({"wsgi.input_terminated": True, "CONTENT_LENGTH": ""})
    else:
        environ["CONTENT_LENGTH"] = str(length)
    return client.post(url, environ_overrides=environ, headers=headers)


def _post_huge(client, url, stream, **headers):
    return _post(client, url, stream, length=HUGE, **headers)


def test_a_500_mb_webhook_post_is_refused_413_without_reading_the_body(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOK_SECRET", "s" * 32)
    stream = CountingStream()
    response = _post_huge(client, "/api/v1/webhooks/sms-replies", stream, **{"Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "payload_too_large"
    assert "Mo" in response.get_json()["error"]["message"]
    assert stream.read_bytes == 0


def test_a_too_large_form_gets_a_french_page_and_nothing_is_read(client):
    stream = CountingStream()
    response = _post_huge(client, "/connexion", stream, **{"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 413
    assert "Envoi trop volumineux" in response.text and "au plus 2,1 Mo" in response.text
    assert stream.read_bytes == 0


def test_a_chunked_body_is_cut_at_the_limit_as_it_is_read(app, client, monkeypatch):
    """No Content-Length (chunked, as gunicorn passes it): reading stops at the limit."""
    monkeypatch.setitem(app.config, "WEBHOOK_SECRET", "s" * 32)
    stream = CountingStream()
    response = _post(client, "/api/v1/webhooks/sms-replies", stream, **{"Content-Type": "application/json"})
    # werkzeug hands the view the first MAX_CONTENT_LENGTH bytes, whose signature then fails
    assert response.status_code in (401, 413)
    assert stream.read_bytes <= app.config["MAX_CONTENT_LENGTH"] + 65536


def test_a_body_under_the_limit_goes_through(client, personas):
    response = client.post("/connexion", data={"email": "a@example.org", "password": "x" * 1000})
    assert response.status_code == 400  # no CSRF token: the form was read, not refused for its size


def test_a_view_may_allow_a_larger_body(app, client, personas, login, monkeypatch):
    """A view marked @body_limit(10 MB) (as the directory import is) reads 3 MB and refuses 11 MB unread."""
    monkeypatch.setattr(app.view_functions["auth.account"], "vigie_body_limit", 10 * 1024 * 1024, raising=False)
    login(personas[Role.COORDINATOR])
    token = csrf_token(client, "/mon-compte")
    response = client.post("/mon-compte", data={"csrf_token": token, "current": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 400 and "Envoi trop volumineux" not in response.text
    stream = CountingStream()
    response = _post(client, "/mon-compte", stream, length=11 * 1024 * 1024,
                     **{"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 413 and stream.read_bytes == 0


def test_body_limit_reads_a_config_key(app, client, monkeypatch):
    monkeypatch.setattr(app.view_functions["auth.login"], "vigie_body_limit", "TEST_UPLOAD_BYTES", raising=False)
    monkeypatch.setitem(app.config, "TEST_UPLOAD_BYTES", 100)
    response = _post(client, "/connexion", CountingStream(), length=101,
                     **{"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 413


def test_patch_without_a_body_is_refused_and_changes_nothing(client, personas, db_session):
    from crisis_app.core.auth import services as auth_services

    target = personas[Role.PROFESSIONAL].user
    token = auth_services.issue_token(actor=None, user=personas[Role.COORDINATOR].user)
    headers = {"Authorization": f"Bearer {token}"}
    for extra in ({}, {"Content-Type": "application/json"}):
        response = client.patch(f"/api/v1/users/{target.id}", headers={**headers, **extra})
        assert response.status_code == 422
        assert response.get_json()["error"]["code"] == "validation_error"
        assert "Corps de requête vide" in response.get_json()["error"]["message"]


def test_an_empty_body_on_a_forbidden_write_is_still_a_403(client, personas):
    from crisis_app.core.auth import services as auth_services

    token = auth_services.issue_token(actor=None, user=personas[Role.PROFESSIONAL].user)
    response = client.patch(f"/api/v1/users/{personas[Role.COORDINATOR].user.id}",
                            headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 403


def test_a_write_that_takes_no_body_still_needs_none(client, personas):
    """POST /alerts/<id>/cancel declares no body: the empty-body rule leaves it alone (404 for no alert)."""
    from crisis_app.core.auth import services as auth_services

    token = auth_services.issue_token(actor=None, user=personas[Role.CRISIS_REFERENT].user)
    response = client.post("/api/v1/alerts/2147483647/cancel", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 404


def test_a_nul_character_is_refused_in_french_before_any_query(client):
    response = client.get("/connexion?next=%00")
    assert response.status_code == 400 and "Caractère nul" in response.text


def test_a_nul_character_in_a_json_string_is_refused_in_the_error_shape(client, personas):
    from crisis_app.core.auth import services as auth_services

    token = auth_services.issue_token(actor=None, user=personas[Role.COORDINATOR].user)
    response = client.patch(f"/api/v1/users/{personas[Role.PROFESSIONAL].user.id}", json={"full_name": "a\x00b"},
                            headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 422
    assert "Caractère nul" in response.get_json()["error"]["message"]
    assert list(response.get_json()["error"]["fields"]) == ["full_name"]
    assert personas[Role.PROFESSIONAL].user.full_name == "Paul Professionnel"


# --- nesting depth: no walk of client data before its depth is known, and no content check before access ---

def _json_writes(app):
    """Every (url, method, permission) of the API that takes a body, path ids filled with 1."""
    import re

    from crisis_app.core.access import _declared_permission

    found = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        url = re.sub(r"<[^>]+>", "1", rule.rule)
        for method in sorted((rule.methods or set()) & {"POST", "PUT", "PATCH"}):
            found.append((url, method, _declared_permission(app.view_functions[rule.endpoint], method)))
    return found


def _nested(levels: int) -> bytes:
    return b'{"a":' * levels + b"1" + b"}" * levels


def test_json_depth_is_counted_without_recursion_and_ignores_brackets_in_strings():
    from crisis_app.core.bodies import json_depth

    assert json_depth(b'{"a": [1, {"b": "[[[[{{{{"}]}') == 3
    assert json_depth(b'"[\\"[[["') == 0
    assert json_depth(b"[" * 1_000_000) == 1_000_000  # would overflow any recursive parser


def test_1_kb_of_nested_json_unauthenticated_gets_401_on_every_guarded_endpoint(app, client, caplog):
    body = _nested(200)
    assert len(body) > 1000
    writes = [w for w in _json_writes(app) if w[2] is not None]
    assert len(writes) > 20
    for url, method, _ in writes:
        response = client.open(url, method=method, data=body, content_type="application/json")
        assert response.status_code == 401, (url, method, response.status_code, response.text[:200])
        assert response.get_json()["error"]["code"] == "unauthorized"
        assert response.get_json()["error"]["fields"] == {}
    assert not [r for r in caplog.records if r.levelname in ("ERROR", "CRITICAL")]


def test_1000_levels_authenticated_are_a_structured_400_on_every_json_endpoint(app, client, personas, caplog,
                                                                              monkeypatch):
    from crisis_app.core.auth import services as auth_services
    from crisis_app.core.roles import role_may

    monkeypatch.setitem(app.config, "WEBHOOK_SECRET", "s" * 32)
    tokens = {role: auth_services.issue_token(actor=None, user=personas[role].user) for role in Role}
    body = _nested(1000)
    writes = _json_writes(app)
    for url, method, permission in writes:
        headers = {}
        if permission is not None:
            role = next(r for r in Role if role_may(r, permission))
            headers = {"Authorization": f"Bearer {tokens[role]}"}
        response = client.open(url, method=method, data=body, content_type="application/json", headers=headers)
        error = response.get_json()["error"]
        if permission is None:  # a signed webhook: refused unsigned before its body is parsed
            assert response.status_code == 401 and error["code"] == "unauthorized", (url, response.text[:200])
            continue
        assert response.status_code == 400, (url, method, response.status_code, response.text[:200])
        assert error["code"] == "too_deep" and "trop imbriqué" in error["message"]
    assert not [r for r in caplog.records if r.levelname in ("ERROR", "CRITICAL")]


def test_32_levels_are_still_read(client, personas):
    """The limit refuses only what no schema of Vigie nests: a body at the limit reaches the schema (422)."""
    from crisis_app.core.auth import services as auth_services

    token = auth_services.issue_token(actor=None, user=personas[Role.COORDINATOR].user)
    response = client.post("/api/v1/users", data=b'{"x":' + _nested(31) + b"}", content_type="application/json",
                           headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "validation_error"


def test_deep_json_to_a_page_is_a_french_refusal(client, personas, login):
    login(personas[Role.COORDINATOR])
    response = client.post("/mon-compte", data=_nested(100), content_type="application/json",
                           headers={"X-CSRFToken": csrf_token(client, "/mon-compte")})
    assert response.status_code == 400 and "trop imbriqué" in response.text


def test_a_nul_check_walks_a_wide_body_without_recursion():
    from crisis_app.core.bodies import _nul_paths

    assert sorted(_nul_paths({"a": [{"b": "x\x00"}, "ok"], "c\x00": 1})) == ["a.0.b", "c\x00"]
    assert _nul_paths([[["\x00"]]]) == ["0.0.0"]
