"""Failed logins slow further tries down (a doubling wait, never a lock), per account and per address; a device
that signed in before is judged on its own failures; the same work whether the address has an account or not; the
client address from the trusted proxies only; the state kept is counts and expiring flags, hashed keys."""

import pytest
import sqlalchemy as sa
from werkzeug.middleware.proxy_fix import ProxyFix

from crisis_app.core.auth import devices, ratelimit
from crisis_app.core.db import db
from crisis_app.core.models import AuditEvent
from crisis_app.core.roles import Role
from tests import services
from tests.conftest import csrf_token

WRONG = "not the password at all"


class Clock:
    def __init__(self):
        self.now = 1000.0

    def monotonic(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    fake = Clock()
    monkeypatch.setattr(ratelimit, "time", fake)
    return fake


def _try(client, email, password, headers=None):
    data = {"email": email, "password": password, "csrf_token": csrf_token(client, "/connexion")}
    return client.post("/connexion", data=data, headers=headers or {})


def test_failures_bring_a_wait_that_doubles_and_the_right_password_works_after_it(client, personas, clock):
    persona = personas[Role.CRISIS_REFERENT]
    email = persona.user.email
    assert [_try(client, email, WRONG).status_code for _ in range(5)] == [401] * 5
    blocked = _try(client, email, persona.password)
    assert blocked.status_code == 429 and blocked.headers["Retry-After"] == "15"
    assert "réessayez dans 15\u202fs" in blocked.text
    clock.now += 16
    assert _try(client, email, WRONG).status_code == 401  # the 6th failure: next wait 30 s
    assert _try(client, email, persona.password).headers["Retry-After"] == "30"
    clock.now += 31
    assert _try(client, email, WRONG).status_code == 401
    assert _try(client, email, persona.password).headers["Retry-After"] == "60"
    clock.now += 61
    assert _try(client, email, persona.password).status_code == 302  # no lock: the référent is in


def test_the_wait_is_capped(app, client, personas, clock, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_DELAY_MAX_SECONDS", 100)
    email = personas[Role.PROFESSIONAL].user.email
    for _ in range(12):
        _try(client, email, WRONG)
        clock.now += 1000
    assert int(_try(client, email, WRONG).headers.get("Retry-After", 0)) == 0
    assert _try(client, email, WRONG).headers["Retry-After"] == "100"


def test_a_known_device_is_not_slowed_by_a_strangers_failures(app, client, personas, clock):
    persona = personas[Role.CRISIS_REFERENT]
    own_phone = app.test_client()
    assert _try(own_phone, persona.user.email, persona.password).status_code == 302
    assert own_phone.get_cookie(devices.COOKIE_NAME) is not None
    own_phone.post("/deconnexion", headers={"X-CSRFToken": _token(own_phone)})

    attacker = app.test_client()  # same address as the phone (127.0.0.1): the address limit is hit too
    for n in range(25):
        _try(attacker, f"someone{n}@example.org" if n >= 5 else persona.user.email, WRONG)
    assert _try(attacker, persona.user.email, persona.password).status_code == 429
    assert _try(attacker, "anybody@example.org", WRONG).status_code == 429  # the address waits

    assert _try(own_phone, persona.user.email, persona.password).status_code == 302


def test_a_known_device_is_slowed_by_its_own_failures(app, personas, clock):
    persona = personas[Role.CRISIS_CELL]
    phone = app.test_client()
    _try(phone, persona.user.email, persona.password)
    phone.post("/deconnexion", headers={"X-CSRFToken": _token(phone)})
    assert [_try(phone, persona.user.email, WRONG).status_code for _ in range(5)] == [401] * 5
    assert _try(phone, persona.user.email, persona.password).status_code == 429


def test_a_device_cookie_of_another_account_or_forged_does_not_help(app, personas, clock):
    persona, other = personas[Role.CRISIS_REFERENT], personas[Role.PROFESSIONAL]
    browser = app.test_client()
    _try(browser, other.user.email, other.password)  # known for Paul's account only
    browser.post("/deconnexion", headers={"X-CSRFToken": _token(browser)})
    forged = app.test_client()
    forged.set_cookie(devices.COOKIE_NAME, '{"d": "x", "u": [' + str(persona.user.id) + ']}')
    for _ in range(5):
        _try(app.test_client(), persona.user.email, WRONG)
    assert _try(browser, persona.user.email, persona.password).status_code == 429
    assert _try(forged, persona.user.email, persona.password).status_code == 429


def _token(client):
    return csrf_token(client, "/mon-compte")


def test_the_password_hash_runs_once_whether_the_address_exists_or_not(client, personas, monkeypatch):
    from crisis_app.core import models

    calls = []
    real = models.check_password_hash

    def counting(pwhash, password):
        calls.append(pwhash)
        return real(pwhash, password)

    monkeypatch.setattr(models, "check_password_hash", counting)
    persona = personas[Role.PROFESSIONAL]
    for email, password, status in ((persona.user.email, WRONG, 401), ("nobody@example.org", WRONG, 401),
                                    (persona.user.email, persona.password, 302)):
        calls.clear()
        response = _try(client, email, password)
        assert response.status_code == status
        assert len(calls) == 1, (email, calls)
        if status == 302:
            client.post("/deconnexion", headers={"X-CSRFToken": _token(client)})
    # the unknown address's work is a real hash of the configured method, not a shortcut
    assert models._dummy_hash().startswith("pbkdf2:sha256:1000$")


def test_an_unknown_address_answers_as_a_wrong_password(client):
    response = _try(client, "nobody@example.org", WRONG)
    assert response.status_code == 401 and "Adresse e-mail ou mot de passe incorrect." in response.text


def _addresses_in_audit():
    rows = db.session.scalars(sa.select(AuditEvent.summary).where(AuditEvent.action == "auth.login_failed"))
    return [r.rsplit(" depuis ", 1)[1] for r in rows]


def test_behind_a_trusted_proxy_the_client_address_is_the_forwarded_one(app, client, monkeypatch, clock):
    monkeypatch.setattr(app, "wsgi_app", ProxyFix(app.wsgi_app, x_for=1, x_proto=1))
    for n in range(25):  # one attacker behind the proxy spends the address's free failures
        _try(client, f"x{n}@example.org", WRONG, headers={"X-Forwarded-For": "203.0.113.7"})
    assert _try(client, "y@example.org", WRONG, headers={"X-Forwarded-For": "203.0.113.7"}).status_code == 429
    # another person behind the same proxy is not slowed
    assert _try(client, "z@example.org", WRONG, headers={"X-Forwarded-For": "198.51.100.9"}).status_code == 401
    assert set(_addresses_in_audit()) == {"203.0.113.7", "198.51.100.9"}


def test_without_trusted_proxies_a_forwarded_header_is_ignored(client):
    _try(client, "x@example.org", WRONG, headers={"X-Forwarded-For": "203.0.113.7"})
    assert _addresses_in_audit() == ["127.0.0.1"]


def test_trusted_proxies_come_from_the_environment():
    from flask import Flask

    from config.settings import ConfigError, load_settings
    from crisis_app import trust_proxies

    assert load_settings({"VIGIE_ENV": "test"})["TRUSTED_PROXIES"] == 0
    assert load_settings({"VIGIE_ENV": "test", "VIGIE_TRUSTED_PROXIES": "2"})["TRUSTED_PROXIES"] == 2
    with pytest.raises(ConfigError):
        load_settings({"VIGIE_ENV": "test", "VIGIE_TRUSTED_PROXIES": "-1"})
    proxied, direct = Flask("proxied"), Flask("direct")
    proxied.config["TRUSTED_PROXIES"] = 2
    trust_proxies(proxied)
    trust_proxies(direct)
    assert isinstance(proxied.wsgi_app, ProxyFix) and proxied.wsgi_app.x_for == 2
    assert not isinstance(direct.wsgi_app, ProxyFix)


def test_redis_keeps_hashed_keys_counts_and_expiring_flags_only(app, client, personas, monkeypatch):
    import redis

    services.need_redis()
    monkeypatch.setitem(app.config, "RATELIMIT_STORAGE_URI", services.REDIS_URL)
    app.extensions.pop("vigie_login_limiter", None)
    store = redis.Redis.from_url(services.REDIS_URL)
    store.delete(*store.keys(ratelimit.KEY_PREFIX + "*") or [b"none"])
    email = personas[Role.COORDINATOR].user.email
    try:
        for _ in range(6):
            _try(client, email, WRONG)
        assert _try(client, email, personas[Role.COORDINATOR].password).status_code == 429
        keys = store.keys(ratelimit.KEY_PREFIX + "*")
        assert len(keys) == 3  # account count and wait, address count (under its free failures: no wait)
        for key in keys:
            text = key.decode()
            assert email not in text and "127.0.0.1" not in text and "coordinator" not in text
            assert store.get(key) in {b"1", b"5", b"6"}  # a count or a flag, no time
            assert 0 < store.pttl(key) <= 3600 * 1000
    finally:
        store.delete(*store.keys(ratelimit.KEY_PREFIX + "*") or [b"none"])
