"""An anonymous declaration cannot be placed between named ones by its number: references are drawn at random,
the register lists it after the named events of its day, and neither its audit rows nor its declarer's notes sit
beside the rows of the moment they were written (they are journaled with the night's batch, dated with the day)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from crisis_app.core.db import db
from crisis_app.core.models import AuditEvent
from crisis_app.core.roles import Role
from quality.register import declaring, reference, services
from quality.register.models import AdverseEvent, AdverseEventNote
from tests.quality.conftest import declare

CODE = re.compile(r"EIAS-[0-9A-HJKMNP-TV-Z]{6}")


@pytest.fixture
def people(personas):
    return personas[Role.PROFESSIONAL].user, personas[Role.QUALITY_REFERENT].user


def test_references_are_six_characters_drawn_at_random_not_the_order_of_declaration(people):
    author, _ = people
    events = [declare(author, anonymous=n % 3 == 1).event for n in range(12)]
    db.session.commit()
    assert all(CODE.fullmatch(e.reference) for e in events)
    keys = [e.id for e in events]
    assert len(set(keys)) == 12
    assert keys != sorted(keys) and keys != sorted(keys, reverse=True)  # 12 random draws: 2 chances in 479 million
    steps = [s.id for e in events for s in e.history]
    assert steps != sorted(steps)


def test_a_reference_typed_by_hand_finds_its_event(people):
    author, referent = people
    first, second = declare(author).event, declare(author).event
    typed = first.reference.lower().replace("0", "o").replace("1", "l").replace("-", " ")
    services.triage(actor=referent, event=second, severity=2, likelihood=2, decision="doublon",
                    duplicate_of_id=typed)
    assert second.duplicate_of_id == first.id
    assert reference.parse(first.reference[5:]) == first.id


def test_the_register_lists_an_anonymous_event_after_the_named_ones_of_its_day(client, login, personas, people):
    author, _ = people
    named_before = declare(author).event
    anonymous = declare(author, anonymous=True).event
    named_after = declare(author).event
    db.session.commit()
    login(personas[Role.QUALITY_REFERENT])
    page = client.get("/qualite/registre")
    assert page.status_code == 200
    order = [ref for ref in CODE.findall(page.text)
             if ref in (named_before.reference, anonymous.reference, named_after.reference)]
    order = list(dict.fromkeys(order))
    assert order == [named_after.reference, named_before.reference, anonymous.reference]


def _rows(event: AdverseEvent) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.object_type == "adverse_event",
                                                               AuditEvent.object_id == str(event.id))))


def test_an_anonymous_declarer_note_is_journaled_the_next_night_with_its_day_only(people):
    author, _ = people
    event = declare(author, anonymous=True).event
    declaring.add_information(event=event, text="Le pilulier a été remplacé.", actor=None)
    named = declare(author).event
    declaring.add_information(event=named, text="Le pilulier a été remplacé.", actor=author)
    db.session.commit()
    assert _rows(event) == []  # nothing beside the named rows written the same minute
    # written in one transaction: the same instant, in no given order
    assert sorted(r.action for r in _rows(named)) == ["quality.event.declare", "quality.event.note"]
    note = db.session.scalar(sa.select(AdverseEventNote).where(AdverseEventNote.event_id == event.id))
    assert note.journaled is False and note.at.minute == 0 and note.at.second == 0

    assert declaring.journal_anonymous_declarations(now=event.created_at + timedelta(days=1, hours=1)) == 2
    db.session.commit()
    rows = _rows(event)
    assert sorted(r.action for r in rows) == ["quality.event.declare", "quality.event.note"]
    assert {(r.actor_label, r.at.time().isoformat()) for r in rows} == {(declaring.ANONYMOUS_LABEL, "00:00:00")}
    assert declaring.journal_anonymous_declarations(now=event.created_at + timedelta(days=1, hours=2)) == 0
    db.session.expire_all()
    assert db.session.get(AdverseEventNote, note.id).journaled is True


def test_the_history_reads_in_the_order_it_happened_whatever_its_keys(people):
    author, referent = people
    event = declare(author).event
    services.triage(actor=referent, event=event, severity=2, likelihood=2, decision="traitement_simple",
                    reason="Déjà corrigé.")
    services.transition(actor=referent, event=event, to="cloture")
    db.session.commit()
    db.session.expire_all()
    history = db.session.get(AdverseEvent, event.id).history
    assert [s.to_state.value for s in history][0] == "declare" and history[-1].to_state.value == "cloture"
    assert [s.at for s in history] == sorted(s.at for s in history)
    assert all(1 <= s.id < 2**31 for s in history)
