"""The migrations build exactly the schema the models describe, on SQLite and on PostgreSQL."""

import ast
import importlib.util
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from crisis_app.core.db import db

APPLICATION_PACKAGES = ("crisis_app", "quality", "config", "tests")


def _mapped_or_compared(obj, name, type_, reflected, compare_to) -> bool:
    """The engine-specific full-text index of the register is built by its migration, not by the models."""
    from quality.register.models import SEARCH_INDEX_OBJECTS

    return not any(name == n or (type_ == "table" and name.startswith(f"{n}_")) for n in SEARCH_INDEX_OBJECTS)


def test_models_and_migrations_agree(app):
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": _mapped_or_compared})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


VERSIONS = Path(__file__).resolve().parents[2] / "migrations" / "versions"


def _chain() -> list:
    """The revisions from the first to the head (one line: no branch)."""
    script = ScriptDirectory(str(VERSIONS.parent))
    heads = script.get_heads()
    assert len(heads) == 1, f"the chain has several heads: {heads}"
    return list(reversed(list(script.walk_revisions("base", heads[0]))))


def test_file_names_follow_the_chain():
    """``NN_<name>.py``: NN is the revision's position in the chain, so the folder reads in the order it runs."""
    chain = _chain()
    names = [Path(rev.path).name for rev in chain]
    expected = [f"{i:02d}_" for i in range(1, len(chain) + 1)]
    assert [n[:3] for n in names] == expected, names
    assert sorted(p.name for p in VERSIONS.glob("*.py")) == names  # no file outside the chain


def test_no_migration_imports_application_code():
    """A revision runs years later against code that has moved on: it carries the rules it needs."""
    offenders = []
    for path in sorted(VERSIONS.glob("*.py")) + [VERSIONS.parent / "env.py"]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            modules = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            offenders += [f"{path.name}: {m}" for m in modules if m.split(".")[0] in APPLICATION_PACKAGES]
    template = (VERSIONS.parent / "script.py.mako").read_text(encoding="utf-8")
    offenders += [f"script.py.mako: {p}" for p in APPLICATION_PACKAGES if f"import {p}" in template]
    assert offenders == []


def test_the_copied_rules_match_the_application_of_today():
    """The search text and the journal's hash copied into their migrations still agree with the live code (if the
    live rule changes, it is a new migration's business, and this test says so)."""
    from datetime import UTC, datetime

    from crisis_app.crises import chain
    from crisis_app.directory.professionals import text_search

    backfill = _module("11_0018_directory_search_backfill.py")
    crises = _module("14_0020_crises.py")
    person = {"first_name": "Jean-Éric", "last_name": "D'Arçy", "rpps": "10000000001", "adeli": None,
              "mobile_phone": "+33639989902", "structure_phone": "0033 5 61 00 00 00", "email": "JE@Example.org"}
    assert backfill.search_text(**person) == text_search.search_text(**person)
    entry = {"crisis_id": 3, "seq": 2, "at": datetime(2026, 7, 1, 7, 30, tzinfo=UTC), "kind": "information",
             "text": "Ouverture — « cellule »", "author_id": None, "author_label": "système", "corrects_id": None}
    assert crises.GENESIS == chain.GENESIS
    assert crises.entry_hash("a" * 64, **entry) == chain.plain_hash("a" * 64, **entry)


def _module(name: str):
    spec = importlib.util.spec_from_file_location(name.removesuffix(".py"), VERSIONS / name)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
