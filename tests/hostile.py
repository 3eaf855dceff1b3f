"""What the class tests throw at the service: hostile values for URL parameters, query strings and JSON bodies,
a committed demo world to throw them at, and the login of each demo role.

The demo world (``flask demo seed``) is committed once per module that asks for it and removed afterwards row by
row (every row whose primary key was not there before), so the rest of the suite sees the database it expects.
"""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
import sqlalchemy as sa

from crisis_app.core.db import db
from crisis_app.core.roles import Role
from crisis_app.core.routing import DB_INT_MAX

# Each reached a 500 somewhere once: beyond the database's integer, huge, negative, non-ASCII digits (Arabic-Indic,
# superscript: str.isdigit() says yes, int() says no for "²"), LIKE and URL metacharacters, very long, NUL.
PATH_VALUES = [str(DB_INT_MAX + 1), "9" * 30, "-1", "0", "١٢٣", "²", "%", "_", "x" * 3000, "\x00", "a.b", "..%2F"]
QUERY_STRINGS = ["page=" + "9" * 30, "page=-1", "page=١٢", "per_page=-1", "per_page=" + "9" * 30, "q=%", "q=_",
                 "q=" + "x" * 3000, "q=\x00", "endpoint=x&_method=TRACE&_external=1", "since=99999-99-99",
                 "depuis=٢٠٢٦-01-01", "id=" + "9" * 30, "limit=" + "9" * 30, "offset=" + "9" * 30]
JSON_VALUES = [DB_INT_MAX + 1, 10**30, -1, "١٢٣", "%", "x" * 5000, "\x00", 2.58e-42, True, None, [DB_INT_MAX + 1],
               {"id": DB_INT_MAX + 1}]

ROLES: list[Role | None] = [None, *Role]  # None: anonymous
_PARAM = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def url_with(rule, value: str) -> str:
    """The rule's path with every parameter replaced by ``value`` (percent-encoded), bypassing converters."""
    return _PARAM.sub(lambda _m: quote(value, safe=""), rule.rule)


def url_with_existing(rule, ids: dict[str, int]) -> str:
    return _PARAM.sub(lambda m: str(ids.get(m.group(1), 1)), rule.rule)


def _snapshot() -> dict[str, set[tuple]]:
    keys = {}
    for table in db.metadata.sorted_tables:
        pk = list(table.primary_key.columns)
        keys[table.name] = set(db.session.execute(sa.select(*pk)).tuples()) if pk else set()
    return keys


def _remove_new_rows(before: dict[str, set[tuple]]) -> None:
    for table in reversed(db.metadata.sorted_tables):
        pk = list(table.primary_key.columns)
        if not pk:
            continue
        new = set(db.session.execute(sa.select(*pk)).tuples()) - before.get(table.name, set())
        for key in new:
            db.session.execute(table.delete().where(sa.and_(*(c == v for c, v in zip(pk, key, strict=True)))))
    db.session.commit()


@pytest.fixture(scope="module")
def demo_world(app):
    """The demo CPTS committed for this module: accounts per role, directory, audiences, stock."""
    from celery.app.task import Task

    from crisis_app.core.demo.seed import seed_demo

    with pytest.MonkeyPatch.context() as mp, app.app_context():
        mp.setattr(Task, "apply_async", lambda self, *a, **k: None)  # nothing leaves for a worker
        before = _snapshot()
        db.session.remove()
        try:
            seed_demo()
            db.session.commit()
            ids = existing_ids()
            db.session.remove()  # no transaction (on SQLite: no write lock) held while the tests run
            yield ids
        finally:
            db.session.remove()
            _remove_new_rows(before)
            db.session.remove()
            for name in [k for k in app.extensions if "limiter" in k]:
                app.extensions.pop(name)  # the walk spent every rate limit of 127.0.0.1 (quality declarations…)


def existing_ids() -> dict[str, int]:
    """One existing row id per URL parameter name (``professional_id`` → a professional's id…)."""
    ids = {}
    for table in db.metadata.sorted_tables:
        if "id" in table.columns:
            first = db.session.scalar(sa.select(sa.func.min(table.c.id)))
            if first is not None:
                ids[f"{table.name}_id"] = first
    aliases = {"user_id": "user_account_id", "item_id": "stock_item_id"}
    for name, source in aliases.items():
        if source in ids:
            ids[name] = ids[source]
    return ids


@pytest.fixture
def no_task_dispatch(monkeypatch):
    """Requests may enqueue work after their commit: keep it off the shared broker."""
    from celery.app.task import Task

    sent = []
    monkeypatch.setattr(Task, "apply_async", lambda self, *a, **k: sent.append(self.name))
    return sent


def forget_user() -> None:
    """Tests run inside one pushed app context, which requests reuse: flask-login caches the user in ``g`` there,
    so a request would otherwise see the user (and flask-wtf the CSRF token) of the previous one, whatever client
    sent it."""
    from flask import g

    g.__dict__.clear()


def login_demo(app, role: Role | None):
    """A fresh client logged in as the demo account of ``role`` (None: anonymous), and a CSRF token of its
    session."""
    from crisis_app.core.demo.seed import DEMO_ACCOUNTS, DEMO_PASSWORD
    from tests.conftest import csrf_token, form_post

    forget_user()
    client = app.test_client()
    if role is None:
        return client, csrf_token(client, "/connexion")
    response = form_post(client, "/connexion", {"email": DEMO_ACCOUNTS[role], "password": DEMO_PASSWORD})
    assert response.status_code == 302, response.text[-800:]
    forget_user()
    return client, csrf_token(client, "/mon-compte")
