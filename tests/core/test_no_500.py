"""No input reaches a 500: every route of the app (pages, API, public links), every method, as every role and
anonymously, with hostile URL parameters, query strings, JSON bodies and form fields, over the demo world.

Unsafe requests carry a valid CSRF token, so what answers is the route itself, not the CSRF check. A failure
lists each request that answered 5xx (or raised: the test app propagates exceptions) so it can be replayed.
"""

from __future__ import annotations

import re

import pytest

from crisis_app.core.db import db
from tests.hostile import (
    JSON_VALUES,
    PATH_VALUES,
    QUERY_STRINGS,
    ROLES,
    forget_user,
    login_demo,
    url_with,
    url_with_existing,
)

pytestmark = pytest.mark.usefixtures("no_task_dispatch")

# Logging out would make the rest of the walk anonymous; it takes no input besides the CSRF token.
NOT_WALKED = {"auth.logout"}
STRING_VALUES = [str(v) if not isinstance(v, str) else v for v in JSON_VALUES[:8]] + ["2147483648", "1e400", "NaN"]
# 500s this walk found in packages their owners are rewriting (crisis_app/core/notifications is the lead's), listed
# until fixed there; the walk fails as soon as one stops failing, so the entry goes with the fix.
KNOWN_500S: dict[str, str] = {}  # endpoint -> why, while its owner fixes it (the walk fails once it is fixed)
FIELD_RE = re.compile(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"')


def _rules(app):
    return [r for r in app.url_map.iter_rules() if r.endpoint not in NOT_WALKED]


def _methods(rule):
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


def _send(client, method: str, url: str, token: str, *, json=None, form=None):
    """The status, or the exception a request raised (what a server would have answered 500)."""
    kwargs = {}
    if method != "GET":
        if url.startswith("/api/"):
            kwargs = {"json": {} if json is None else json, "headers": {"X-CSRFToken": token}}
        else:
            kwargs = {"data": {**(form or {}), "csrf_token": token}}
    forget_user()
    try:
        return client.open(url, method=method, **kwargs).status_code
    except Exception as exc:  # noqa: BLE001 - the claim is that nothing raises
        db.session.rollback()  # the test's app context outlives the request: leave its session usable
        return f"{type(exc).__name__}: {str(exc)[:160]}"


def _broken(status) -> bool:
    return not isinstance(status, int) or status >= 500


def _report(failures: list[str]) -> str:
    return f"{len(failures)} request(s) reached a 500:\n" + "\n".join(failures[:40])


def test_no_url_parameter_value_reaches_a_500(app, client, demo_world):
    failures = []
    for role in ROLES:
        client, token = login_demo(app, role)
        for rule in _rules(app):
            if not rule.arguments:
                continue
            for method in _methods(rule):
                for value in PATH_VALUES:
                    url = url_with(rule, value)
                    status = _send(client, method, url, token)
                    if _broken(status):
                        failures.append(f"{role} {method} {url[:120]!r} -> {status}")
    assert failures == [], _report(failures)


def test_no_query_string_reaches_a_500(app, client, demo_world):
    failures, known = [], set()
    for role in ROLES:
        client, token = login_demo(app, role)
        for rule in _rules(app):
            if "GET" not in rule.methods:
                continue
            url = url_with_existing(rule, demo_world)
            for query in QUERY_STRINGS:
                status = _send(client, "GET", f"{url}?{query}", token)
                if _broken(status) and rule.endpoint in KNOWN_500S:
                    known.add(rule.endpoint)
                elif _broken(status):
                    failures.append(f"{role} GET {url}?{query[:60]!r} -> {status}")
    assert failures == [], _report(failures)
    assert known == set(KNOWN_500S), f"fixed: remove from KNOWN_500S {set(KNOWN_500S) - known}"


def _json_operations(client):
    """(method, path rule, property names, integer-typed names) of every API operation taking a JSON body."""
    spec = client.get("/api/v1/openapi.json").get_json()
    schemas = spec.get("components", {}).get("schemas", {})

    def resolve(schema):
        while "$ref" in schema:
            schema = schemas[schema["$ref"].rsplit("/", 1)[1]]
        return schema

    operations = []
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if not isinstance(op, dict):
                continue
            body = op.get("requestBody", {}).get("content", {}).get("application/json")
            if not body:
                continue
            props = resolve(body["schema"]).get("properties", {})
            integers = [n for n, p in props.items() if resolve(p).get("type") == "integer"]
            operations.append((method.upper(), re.sub(r"{[^}]+}", "{}", path), list(props), integers))
    return operations


def test_no_json_body_reaches_a_500(app, client, demo_world):
    failures = []
    operations = _json_operations(client)
    assert operations, "the OpenAPI document lists no JSON body"
    for role in ROLES:
        client, token = login_demo(app, role)
        for method, path, props, integers in operations:
            url = path.replace("{}", "1") if "{}" not in path else _existing_path(path, demo_world)
            bodies = [{p: value for p in props} for value in JSON_VALUES]
            bodies += [{name: value} for name in integers for value in JSON_VALUES[:3]]
            bodies += [[], "texte", 12]
            for body in bodies:
                status = _send(client, method, url, token, json=body)
                if _broken(status):
                    failures.append(f"{role} {method} {url} {str(body)[:100]} -> {status}")
    assert failures == [], _report(failures)


def _existing_path(path: str, ids: dict[str, int]) -> str:
    """/api/v1/professionals/{} → the id of an existing professional (the noun before the id names the table)."""
    def repl(match):
        noun = path[:match.start()].rstrip("/").rsplit("/", 1)[-1]
        for name in (noun.rstrip("s").replace("-", "_"), f"stock_{noun.rstrip('s')}"):
            if f"{name}_id" in ids:
                return str(ids[f"{name}_id"])
        return "1"

    return re.sub(r"{}", repl, path)


def test_no_form_field_value_reaches_a_500(app, client, demo_world):
    """Every form on every page, every field set to each hostile value, posted with a valid CSRF token."""
    failures = []
    for role in ROLES:
        client, token = login_demo(app, role)
        for rule in _rules(app):
            if not {"GET", "POST"} <= rule.methods or rule.rule.startswith("/api/"):
                continue
            url = url_with_existing(rule, demo_world)
            forget_user()
            page = client.get(url)
            if page.status_code != 200 or "<form" not in page.text:
                continue
            fields = sorted(set(FIELD_RE.findall(page.text)) - {"csrf_token"})
            for value in STRING_VALUES:
                status = _send(client, "POST", url, token, form={f: value for f in fields})
                if _broken(status):
                    failures.append(f"{role} POST {url} {fields} = {value[:40]!r} -> {status}")
            if role is not None and rule.endpoint == "auth.login":
                continue
    assert failures == [], _report(failures)
