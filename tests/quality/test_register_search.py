"""The register's search uses the database's own full-text engine (PostgreSQL tsvector, SQLite FTS5): accents and
case do not matter, a word finds its plural, the word being typed matches as a start, what a user types is never
query syntax, and the results keep to who may see which event and to what redaction removed."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from crisis_app.core.auth import services as auth_services
from crisis_app.core.db import db
from crisis_app.core.roles import Role
from quality.register import redaction
from quality.register.models import AdverseEvent
from tests.quality.conftest import declare


@pytest.fixture
def events(personas):
    me, other = personas[Role.PROFESSIONAL].user, personas[Role.CRISIS_CELL].user
    return {
        "fall": declare(me, description="Chutes répétées dans la salle de bains, tapis non fixé.").event,
        "dose": declare(me, description="Erreur de délivrance : deux boîtes d'anticoagulant.",
                        immediate_measures="Rappel par l'officine le soir même.").event,
        "rare": declare(None, anonymous=True, description="Ordonnance illisible : posologie du méthotrexate "
                        "mal comprise, une chute évitée de justesse.").event,
        "dressing": declare(other, description="Pansement oublié après le soin à domicile ; cœur de la tournée "
                            "désorganisé.").event,
    }


@pytest.fixture
def search(client, personas, events):
    """The events (by fixture name) the referent's API answers for a search."""
    headers = _auth(personas[Role.QUALITY_REFERENT].user)

    def _found(text: str) -> set[str]:
        response = client.get("/api/v1/adverse-events", query_string={"q": text, "limit": 100}, headers=headers)
        assert response.status_code == 200, response.text
        ids = {item["id"] for item in response.json["items"]}
        assert response.json["total"] == len(ids)
        return {name for name, event in events.items() if event.id in ids}

    return _found


def _auth(user) -> dict:
    return {"Authorization": f"Bearer {auth_services.issue_token(actor=None, user=user)}"}


def test_accents_and_case_do_not_matter_either_way(search):
    assert search("ÉRREUR DELIVRANCE") == {"dose"}
    assert search("methotrexate") == {"rare"}
    assert search("Méthotrexate") == {"rare"}
    assert search("coeur") == {"dressing"}  # the ligature œ is folded too


def test_a_word_finds_its_plural_and_its_singular(search):
    assert search("chute") == {"fall", "rare"}
    assert search("chutes") == {"fall", "rare"}
    assert search("boite") == {"dose"}


def test_a_rare_word_finds_only_its_event(search):
    assert search("illisible") == {"rare"}
    assert search("zorvexil") == set()


def test_several_words_must_all_be_there_and_the_last_may_be_half_typed(search):
    assert search("salle bains") == {"fall"}
    assert search("chute posologie") == {"rare"}
    assert search("salle anticoagulant") == set()
    assert search("pansem") == {"dressing"}  # the word being typed
    assert search("oublié domic") == {"dressing"}
    assert search("officine") == {"dose"}  # the immediate measures are searched too


@pytest.mark.parametrize("typed", ['"salle de bains"', '"salle', 'salle"', "salle*", "-salle", "salle -bains",
                                   "salle & bains", "salle:*", "!salle | (bains", "salle'", "salle^", "{salle}",
                                   "salle + bains", "salle\\", "salle(", "bains)"])
def test_quotes_and_operators_a_user_types_are_never_syntax(search, typed):
    assert search(typed) == {"fall"}


@pytest.mark.parametrize("typed", ["NEAR(salle bains)", "salle AND bains", "salle NOT bains"])
def test_an_fts_keyword_a_user_types_is_a_word_to_find(search, typed):
    assert search(typed) == set()  # no text says "near", "and" or "not"


@pytest.mark.parametrize("typed", ['"', "*", "-", "NEAR", "&", "!", ":*", "'", "()", "^", "\\", "%_"])
def test_a_search_of_operators_alone_answers_the_page_and_finds_nothing(client, login, personas, events, typed):
    login(personas[Role.QUALITY_REFERENT])
    response = client.get("/qualite/registre", query_string={"q": typed})
    assert response.status_code == 200
    assert not any(e.reference in response.text for e in events.values())


def test_a_professional_searching_finds_only_their_own_named_events(client, personas, events):
    headers = _auth(personas[Role.PROFESSIONAL].user)
    listing = client.get("/api/v1/adverse-events", query_string={"q": "chute"}, headers=headers).json
    # "rare" also says "chute" but is anonymous; "dressing" is someone else's
    assert [item["id"] for item in listing["items"]] == [events["fall"].id] and listing["total"] == 1
    assert client.get("/api/v1/adverse-events", query_string={"q": "pansement"}, headers=headers).json["total"] == 0


def test_a_redacted_name_is_no_longer_found_and_the_rest_still_is(search, personas, events):
    event = events["dose"]
    # a text stored before the screen learnt names: the index follows the stored search text
    db.session.execute(sa.text("UPDATE adverse_event SET description = :d, search_text = :s WHERE id = :i"),
                       {"d": "Mme Josette Martin a reçu une double dose.", "s": "mme josette martin a recu une "
                        "double dose.", "i": event.id})
    db.session.commit()
    db.session.refresh(event)
    assert search("josette") == {"dose"}
    redaction.redact(actor=personas[Role.QUALITY_REFERENT].user, event=event, field="description",
                     passage="Mme Josette Martin", replacement="patient")
    db.session.commit()
    assert search("josette") == set() and search("martin") == set()
    assert search("double dose") == {"dose"}


def test_a_deleted_event_leaves_the_index(search, events):
    db.session.execute(sa.delete(AdverseEvent).where(AdverseEvent.id == events["rare"].id))
    db.session.commit()
    assert search("methotrexate") == set()
    assert search("chute") == {"fall"}


def test_the_reference_still_finds_its_event(search, events):
    assert search(events["dose"].reference) == {"dose"}
    assert search(events["dose"].reference[5:].lower()) == {"dose"}  # the six characters alone, typed small


def test_a_six_letter_word_that_reads_as_a_reference_is_still_sought_as_a_word(search):
    assert search("tapis") == {"fall"}
    assert search("rappel") == {"dose"}  # R-A-P-P-E-L reads as a reference too (L for 1)


def test_an_event_renumbered_keeps_its_place_in_the_index(search, events):
    """A migration that gives events new ids (random keys) must not leave the index pointing at the old ones."""
    old_id = events["rare"].id
    for child in ("adverse_event_step", "adverse_event_note"):
        db.session.execute(sa.text(f"DELETE FROM {child} WHERE event_id = :i"), {"i": old_id})
    db.session.execute(sa.text("UPDATE adverse_event SET id = :n WHERE id = :i"),
                       {"n": old_id + 1_000_000, "i": old_id})
    db.session.commit()
    db.session.expire_all()
    events["rare"] = db.session.get(AdverseEvent, old_id + 1_000_000)  # the search fixture maps ids through it
    assert search("methotrexate") == {"rare"}
    assert search("chute") == {"fall", "rare"}


def test_a_search_matching_very_many_events_says_more_than_on_the_page_and_counts_in_the_api(
        client, login, personas, events, search, monkeypatch):
    from quality.register import query

    monkeypatch.setattr(query, "SEARCH_IDS_FIRST", 1)  # "chute" matches two events: more than the page counts
    login(personas[Role.QUALITY_REFERENT])
    page = client.get("/qualite/registre", query_string={"q": "chute"})
    assert page.status_code == 200
    total = page.text.split('data-testid="register-total">')[1].split("·")[0]
    assert "Plus de 1 événements : précisez la recherche" in total  # (2\u00a0000 in real life)
    assert events["fall"].reference in page.text and events["rare"].reference in page.text
    assert search("chute") == {"fall", "rare"}  # the API's total stays exact
    exact = client.get("/qualite/registre", query_string={"q": "tapis"})
    assert "1\u00a0événement" in exact.text.split('data-testid="register-total">')[1].split("·")[0]
