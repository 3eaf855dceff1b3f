"""Directory search finds what people type: every word, without accents or case, phones in any French form."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.operations import Operations

from crisis_app.core.db import db
from crisis_app.core.roles import Role
from crisis_app.directory.professionals import query
from crisis_app.directory.professionals.models import Professional
from crisis_app.directory.professionals.text_search import fold, terms
from tests import factories


@pytest.fixture
def people(db_session):
    return {
        "camille": factories.professional(first_name="Camille", last_name="Bonnet", mobile_phone="06 39 98 99 02",
                                          email="camille_bonnet@example.org"),
        "clement": factories.professional(first_name="Clément", last_name="Lefèvre-Dupré",
                                          structure_phone="05 61 00 00 00", email="clement@example.org",
                                          mobile_phone=""),
        "paul": factories.professional(first_name="Paul", last_name="Bonnet", mobile_phone="06 39 98 11 11",
                                       email="paul@example.org"),
        "camille_m": factories.professional(first_name="Camille", last_name="Martin", mobile_phone="06 39 98 22 22",
                                            email="cm@example.org"),
    }


def _found(q: str) -> set[int]:
    items, _ = query.search({"q": q}, limit=100)
    return {p.id for p in items}


@pytest.mark.parametrize("q", ["Camille Bonnet", "Bonnet Camille", "camille  BONNET", "bonnet, camille"])
def test_every_word_must_match_in_any_order(people, q):
    assert _found(q) == {people["camille"].id}


@pytest.mark.parametrize("q", ["Clement", "CLEMENT", "clément", "lefevre dupre", "Lefèvre-Dupré", "dupre clem"])
def test_accents_case_and_hyphens_are_ignored(people, q):
    assert _found(q) == {people["clement"].id}


@pytest.mark.parametrize("q", ["06 39 98 99 02", "0639989902", "06.39.98.99.02", "06-39-98-99-02",
                               "+33 6 39 98 99 02", "+33639989902", "0033 6 39 98 99 02", "(06) 39 98 99 02"])
def test_a_mobile_is_found_in_any_usual_french_form(people, q):
    assert _found(q) == {people["camille"].id}


def test_a_structure_phone_and_the_start_of_a_number_are_found(people):
    assert _found("05 61 00 00 00") == {people["clement"].id}
    assert _found("06 39 98") == {people["camille"].id, people["paul"].id, people["camille_m"].id}


def test_rpps_is_still_found(people):
    assert _found(people["paul"].rpps) == {people["paul"].id}


@pytest.mark.parametrize("q", ["%", "%%", "_", "__", "\\", "a%e"])
def test_like_wildcards_are_taken_literally(people, q):
    found = _found(q)
    if q == "_":
        assert found == {people["camille"].id}  # the only e-mail with an underscore
    else:
        assert found == set()


def test_the_directory_page_and_the_api_search_the_same_way(client, personas, login, people):
    login(personas[Role.CRISIS_CELL])
    page = client.get("/annuaire/?q=bonnet+camille").text
    assert "Bonnet" in page and 'data-testid="reach-people">1<' in page
    body = client.get("/api/v1/professionals?q=Clement").get_json()
    assert [p["id"] for p in body["items"]] == [people["clement"].id]
    assert client.get("/api/v1/professionals?q=%25").get_json()["total"] == 0


def test_an_update_refreshes_what_the_entry_is_found_by(people):
    from crisis_app.directory.professionals import services

    services.update_professional(actor=None, professional=people["paul"], data={"last_name": "Étienne"})
    assert _found("etienne") == {people["paul"].id}
    assert people["paul"].id not in _found("bonnet paul")


def test_folding_and_terms_are_what_the_column_holds():
    assert fold("  Jean-Éric  d’Aubigné ") == "jean eric d aubigne"
    assert terms("+33 6 39 98 99 02") == ["0639989902"]
    assert terms("Zoé 31") == ["zoe", "31"]
    assert terms("") == []


def test_the_backfill_migration_fills_entries_written_before_the_column(people):
    db.session.execute(sa.update(Professional).values(search_text=""))
    assert _found("camille bonnet") == set()
    path = Path(__file__).parents[3] / "migrations" / "versions" / "11_0018_directory_search_backfill.py"
    spec = importlib.util.spec_from_file_location("search_backfill", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with Operations.context(MigrationContext.configure(db.session.connection())):
        module.upgrade()
    db.session.expire_all()
    assert _found("camille bonnet") == {people["camille"].id}
    assert _found("06 39 98 99 02") == {people["camille"].id}
