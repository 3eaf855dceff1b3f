"""core.db.atomic: one unit of work per user action; nested blocks join it, a failure inside dooms it."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from crisis_app.core.db import ConflictError, abandon, atomic, db, utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.models import WorkerHeartbeat


def _beat(name: str) -> None:
    db.session.add(WorkerHeartbeat(hostname=name, seen_at=utcnow()))


def _hosts() -> set[str]:
    db.session.expire_all()
    return set(db.session.scalars(sa.select(WorkerHeartbeat.hostname)))


def test_nested_blocks_join_the_outer_one_which_commits_then_runs_callbacks(db_session):
    seen = []
    with atomic():
        _beat("a")
        with atomic():
            _beat("b")
            db.session().on_commit(lambda: seen.append(_hosts()))
            assert db.session().info.get("uow_depth") == 2
        assert seen == [], "a nested block commits nothing"
    assert seen == [{"a", "b"}], "callbacks run after the outermost commit, and see its rows"
    assert "uow_depth" not in db.session().info


def test_an_exception_leaving_a_nested_block_dooms_the_unit_even_if_caught(db_session):
    seen = []
    with atomic():
        _beat("kept-if-not-doomed")
        try:
            with atomic():
                _beat("half-done")
                db.session().on_commit(lambda: seen.append("sent"))
                raise ServiceError("refused", "Refusé.")
        except ServiceError:
            pass
    assert _hosts() == set(), "a half-done action is never committed"
    assert seen == [], "nothing is enqueued after a rollback"


def test_a_savepoint_block_rolls_back_alone(db_session):
    with atomic():
        _beat("row-1")
        with pytest.raises(ServiceError), atomic(savepoint=True):
            _beat("row-2")
            raise ServiceError("refused", "Ligne refusée.")
        _beat("row-3")
    assert _hosts() == {"row-1", "row-3"}


def test_an_integrity_error_becomes_the_conflict_the_caller_names(db_session):
    with atomic():
        _beat("dup")
    named = ServiceError("duplicate", "Ce nom existe déjà.", field="hostname", status=409)
    with pytest.raises(ServiceError) as caught, atomic():
        with atomic(conflict=named):
            _beat("dup")
    assert caught.value is named
    assert _hosts() == {"dup"}


def test_an_unnamed_integrity_error_is_a_generic_409(db_session):
    with atomic():
        _beat("dup2")
    with pytest.raises(ConflictError) as caught, atomic():
        _beat("dup2")
    assert caught.value.status == 409
    assert "conflit" in caught.value.message


def test_abandon_drops_what_was_written_and_the_unit_goes_on(db_session):
    seen = []
    with atomic():
        _beat("dropped")
        db.session().on_commit(lambda: seen.append("dropped"))
        abandon()
        _beat("kept")
    assert _hosts() == {"kept"}
    assert seen == []


def test_a_durable_block_refuses_to_nest(db_session):
    with pytest.raises(RuntimeError), atomic():
        with atomic(durable=True):
            pass


def test_every_view_and_endpoint_is_a_unit_of_work(app):
    unwrapped = [e for e, view in app.view_functions.items()
                 if e != "static" and not getattr(view, "unit_of_work", False)]
    assert unwrapped == []


def test_a_savepoint_block_survives_a_refused_flush_and_the_unit_goes_on(db_session):
    with atomic():
        _beat("first")
    named = ServiceError("duplicate", "Déjà là.", status=409)
    with atomic():
        with pytest.raises(ServiceError) as caught, atomic(savepoint=True, conflict=named):
            _beat("first")
        assert caught.value is named
        _beat("second")
    assert _hosts() == {"first", "second"}


def test_refused_savepoints_do_not_nest_later_work(db_session):
    """PostgreSQL keeps a savepoint after ROLLBACK TO: without a RELEASE each later savepoint nests in it and its
    transaction id stays locked until the end, so an import refusing thousands of rows fills the lock table."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("transaction-id locks are PostgreSQL's")
    with atomic():
        _beat("taken")
    locks = sa.text("SELECT count(*) FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'transactionid'")
    with atomic():
        for n in range(40):
            with pytest.raises(ConflictError), atomic(savepoint=True):
                _beat("taken")
            with atomic(savepoint=True):
                _beat(f"row-{n}")
        held = db.session.scalar(locks)
    assert held <= 2
    assert len(_hosts()) == 41
