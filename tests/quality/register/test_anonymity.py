"""An anonymous declaration leaves no trace of its author: no row it writes or changes, in any table, and no log
record holds the declarer's user id, e-mail, name, address or user agent — by the form, the API or the public page."""

from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa

from crisis_app.core.auth import services as auth_services
from crisis_app.core.db import db
from crisis_app.core.roles import Role
from quality.register import declaring, services
from quality.register.models import AdverseEvent
from tests.conftest import csrf_token
from tests.quality.conftest import all_tables, declaration, snapshot

ADDRESS = "203.0.113.77"
AGENT = "DeclarantBrowser/9.9 (trace-7f3c2a)"


def _form(**overrides) -> dict:
    data = declaration(**overrides)
    data["occurred_on"] = data["occurred_on"].isoformat()
    return data


def _identity(user) -> list[str]:
    return [user.email, user.full_name, ADDRESS, AGENT]


def _user_columns() -> dict[str, list[int]]:
    """Per table, the positions of the columns that point at an account."""
    found = {}
    for table in all_tables():
        found[table.name] = [i for i, column in enumerate(table.columns)
                             if any(fk.column.table.name == "user_account" for fk in column.foreign_keys)]
    return found


def _assert_no_trace(before: dict, user, records) -> None:
    after = snapshot()
    user_columns = _user_columns()
    new_rows = {name: rows - before.get(name, set()) for name, rows in after.items()}
    assert new_rows["adverse_event"], "the declaration was not stored"
    for name, rows in new_rows.items():
        for row in rows:
            text = " ".join(row)
            for value in _identity(user):
                assert value not in text, f"{value!r} found in a new row of {name}: {row}"
            for position in user_columns[name]:
                assert row[position] != str(user.id), f"user id in {name}: {row}"
    for record in records:
        line = record.getMessage() + " " + repr(record.__dict__.get("args"))
        for value in _identity(user):
            assert value not in line, f"{value!r} logged by {record.name}: {line}"


@pytest.fixture
def declarer(personas):
    return personas[Role.PROFESSIONAL].user


@pytest.fixture
def verbose_logs(caplog):
    caplog.set_level(logging.DEBUG)
    return caplog


def test_anonymous_declaration_through_the_form_leaves_no_trace(client, login, personas, declarer, verbose_logs):
    client.environ_base.update({"REMOTE_ADDR": ADDRESS, "HTTP_USER_AGENT": AGENT})
    login(personas[Role.PROFESSIONAL])
    token = csrf_token(client, "/qualite/declarer")
    before = snapshot()
    verbose_logs.clear()
    response = client.post("/qualite/declarer", data={**_form(), "anonymous": "oui", "csrf_token": token})
    assert response.status_code == 201, response.text
    _assert_no_trace(before, declarer, verbose_logs.records)
    event = db.session.scalar(sa.select(AdverseEvent).order_by(AdverseEvent.id.desc()))
    assert event.anonymous and event.declarer_user_id is None


def test_anonymous_declaration_through_the_api_leaves_no_trace(client, declarer, verbose_logs):
    token = auth_services.issue_token(actor=None, user=declarer)
    before = snapshot()
    verbose_logs.clear()
    body = {**_form(), "anonymous": True}
    response = client.post("/api/v1/adverse-events", json=body, headers={
        "Authorization": f"Bearer {token}", "User-Agent": AGENT}, environ_base={"REMOTE_ADDR": ADDRESS})
    assert response.status_code == 201, response.text
    _assert_no_trace(before, declarer, verbose_logs.records)


def test_declaration_through_the_public_page_leaves_no_address_nor_agent(client, personas, verbose_logs):
    link = services.renew_public_link(actor=personas[Role.COORDINATOR].user)
    client.environ_base.update({"REMOTE_ADDR": ADDRESS, "HTTP_USER_AGENT": AGENT})
    token = csrf_token(client, f"/declarer/{link}")
    before = snapshot()
    verbose_logs.clear()
    response = client.post(f"/declarer/{link}", data={**_form(), "csrf_token": token})
    assert response.status_code == 201, response.text
    nobody = type("Nobody", (), {"email": "\x00", "full_name": "\x00", "id": -1})()
    _assert_no_trace(before, nobody, verbose_logs.records)


def test_the_named_control_case_is_caught_by_the_same_scan(client, login, personas, declarer, sent):
    """The scan would see a named author: it proves the anonymous tests above can fail."""
    login(personas[Role.PROFESSIONAL])
    token = csrf_token(client, "/qualite/declarer")
    before = snapshot()
    response = client.post("/qualite/declarer", data={**_form(), "anonymous": "non", "csrf_token": token})
    assert response.status_code == 302
    with pytest.raises(AssertionError):
        _assert_no_trace(before, declarer, [])


def test_audit_rows_say_nothing_of_when_an_anonymous_declaration_was_made(client, login, personas, declarer):
    """Issue 17.1: the coordinator saw the professional's login, then the next audit id "déclaré anonymement"."""
    from datetime import timedelta

    from crisis_app.core.models import AuditEvent

    login(personas[Role.PROFESSIONAL])
    token = csrf_token(client, "/qualite/declarer")
    last_before = db.session.scalar(sa.select(sa.func.max(AuditEvent.id)))
    for _ in range(3):
        response = client.post("/qualite/declarer", data={**_form(), "anonymous": "oui", "csrf_token": token})
        assert response.status_code == 201
    named = client.post("/qualite/declarer", data={**_form(), "anonymous": "non", "csrf_token": token})
    assert named.status_code == 302
    written = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.id > last_before)).all()
    assert [r.summary for r in written if "anonymement" in r.summary] == []  # nothing at the moment
    events = db.session.scalars(sa.select(AdverseEvent).where(AdverseEvent.anonymous.is_(True))).all()
    assert len(events) == 3 and {(e.created_at.hour, e.created_at.minute) for e in events} == {(0, 0)}
    # the night after: the day's anonymous declarations journaled together, dated with their day only
    assert declaring.journal_anonymous_declarations(now=events[0].created_at + timedelta(days=1, hours=2)) == 3
    db.session.commit()
    rows = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.summary.like("%anonymement%"))
                              .order_by(AuditEvent.id)).all()
    assert len(rows) == 3 and min(r.id for r in rows) > max(r.id for r in written)
    assert {r.at.replace(tzinfo=None) for r in rows} == {events[0].created_at.replace(tzinfo=None)}
    assert all(r.actor_id is None and declarer.email not in r.actor_label for r in rows)


def test_the_register_lists_an_anonymous_declaration_after_the_named_ones_of_its_day(login, personas, declarer):
    from tests.quality.conftest import declare

    first = declare(declarer).event
    anonymous = declare(None, anonymous=True).event
    last = declare(declarer).event
    page = login(personas[Role.QUALITY_REFERENT]).get("/qualite/registre").text
    positions = [page.index(e.reference) for e in (last, first, anonymous)]
    assert positions == sorted(positions)


def test_the_rate_limit_keeps_no_time_finer_than_the_hour_in_redis(app, client, personas, monkeypatch):
    import redis

    from tests.services import REDIS_URL, need_redis

    need_redis()
    monkeypatch.setitem(app.config, "RATELIMIT_STORAGE_URI", REDIS_URL)
    app.extensions.pop("vigie_quality_limiter", None)
    store = redis.Redis.from_url(REDIS_URL)
    for key in store.scan_iter("vigie:quality:tries:*"):
        store.delete(key)
    link = services.renew_public_link(actor=personas[Role.COORDINATOR].user)
    client.environ_base["REMOTE_ADDR"] = ADDRESS
    token = csrf_token(client, f"/declarer/{link}")
    assert client.post(f"/declarer/{link}", data={**_form(), "csrf_token": token}).status_code == 201
    keys = list(store.scan_iter("vigie:quality:*"))
    assert len(keys) == 1 and ADDRESS.encode() not in keys[0]
    assert store.get(keys[0]) == b"1"  # a counter, not a list of times
    expires_at = store.execute_command("EXPIRETIME", keys[0])
    assert expires_at % 3600 == 0  # it ends on a whole hour, whatever the moment of the declaration
    app.extensions.pop("vigie_quality_limiter", None)
