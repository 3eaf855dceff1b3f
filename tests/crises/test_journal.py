"""The journal de bord: append-only, chained by hashes, checked by `crisis verify-journal`."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from crisis_app.core.db import db
from crisis_app.core.errors import ServiceError
from crisis_app.core.models import AuditEvent
from crisis_app.crises import journal
from crisis_app.crises.chain import GENESIS
from crisis_app.crises.models import EntryKind, JournalEntry


def _verify(app, crisis_id):
    return app.test_cli_runner().invoke(args=["crisis", "verify-journal", str(crisis_id)])


def _three_entries(crisis, referent):
    return [journal.write(actor=referent, crisis=crisis, kind=kind, text=text) for kind, text in
            (("decision", "Ouverture d'un point d'accueil"), ("information", "L'ARS annonce 38 °C"),
             ("action", "Appels aux patients en ALD"))]


def test_each_entry_is_chained_to_the_previous_one(crisis, referent):
    entries = _three_entries(crisis, referent)
    chain = journal.entries(crisis)
    assert chain[0].prev_hash == GENESIS and chain[0].kind is EntryKind.LEVEL_CHANGE  # the opening line
    assert [e.seq for e in chain] == [1, 2, 3, 4]
    assert all(later.prev_hash == earlier.hash for earlier, later in zip(chain, chain[1:], strict=False))
    assert entries[0].author_label == referent.full_name and entries[0].at is not None


def test_verify_journal_exits_0_on_an_intact_chain(app, crisis, referent):
    _three_entries(crisis, referent)
    result = _verify(app, crisis.id)
    assert result.exit_code == 0, result.output
    assert "intact : 4 entrée(s)" in result.output


def test_a_row_edited_behind_the_apps_back_is_found_with_its_id(app, crisis, referent):
    entries = _three_entries(crisis, referent)
    db.session.execute(sa.text("UPDATE crisis_journal_entry SET text = 'Rien décidé' WHERE id = :id"),
                       {"id": entries[1].id})
    result = _verify(app, crisis.id)
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == str(entries[1].id)


def test_a_row_deleted_behind_the_apps_back_breaks_the_chain_at_the_next_entry(app, crisis, referent):
    entries = _three_entries(crisis, referent)
    db.session.execute(sa.text("DELETE FROM crisis_journal_entry WHERE id = :id"), {"id": entries[1].id})
    result = _verify(app, crisis.id)
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == str(entries[2].id)


def test_a_rehashed_edit_is_still_found_because_the_next_entry_links_to_the_old_hash(app, crisis, referent):
    entries = _three_entries(crisis, referent)
    db.session.execute(sa.text("UPDATE crisis_journal_entry SET hash = :h WHERE id = :id"),
                       {"h": "f" * 64, "id": entries[1].id})
    assert _verify(app, crisis.id).output.strip().splitlines()[-1] == str(entries[1].id)


def test_an_entry_cannot_be_edited_through_the_application(crisis, referent):
    entry = _three_entries(crisis, referent)[0]
    entry.text = "Autre chose"
    with pytest.raises(ServiceError) as caught:
        db.session.flush()
    assert caught.value.code == "append_only"
    db.session.rollback()
    assert db.session.get(JournalEntry, entry.id).text == "Ouverture d'un point d'accueil"


def test_an_entry_cannot_be_deleted_through_the_application(crisis, referent):
    entry = _three_entries(crisis, referent)[0]
    db.session.delete(entry)
    with pytest.raises(ServiceError):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(JournalEntry, entry.id) is not None


def test_a_correction_is_a_new_entry_pointing_to_the_corrected_one(app, crisis, referent):
    wrong = _three_entries(crisis, referent)[1]
    fix = journal.write(actor=referent, crisis=crisis, kind="information", text="C'était 36 °C",
                        corrects_id=wrong.id)
    assert fix.kind is EntryKind.CORRECTION and fix.corrects_id == wrong.id
    assert db.session.get(JournalEntry, wrong.id).text == "L'ARS annonce 38 °C"
    assert _verify(app, crisis.id).exit_code == 0


@pytest.mark.parametrize(("kind", "text", "field"), [
    ("alert", "Vigie seul écrit les alertes", "kind"), ("decision", "   ", "text"),
    ("correction", "Corrige quoi ?", "corrects"), ("decision", "x" * 5001, "text")])
def test_an_invalid_entry_is_refused_and_writes_nothing(crisis, referent, kind, text, field):
    before = len(journal.entries(crisis))
    audits = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    with pytest.raises(ServiceError) as caught:
        journal.write(actor=referent, crisis=crisis, kind=kind, text=text)
    assert caught.value.status == 422 and field in caught.value.fields
    assert len(journal.entries(crisis)) == before
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == audits


def test_a_correction_of_another_crisis_entry_is_refused(crisis, referent):
    from crisis_app.crises import services

    other = services.open_crisis(actor=referent, title="Autre", typology=1, gradation=1)
    foreign = journal.entries(other)[0]
    with pytest.raises(ServiceError) as caught:
        journal.write(actor=referent, crisis=crisis, kind="correction", text="x", corrects_id=foreign.id)
    assert "corrects" in caught.value.fields


def test_each_written_entry_has_its_audit_row(crisis, referent):
    entry = journal.write(actor=referent, crisis=crisis, kind="communication", text="Point presse à 18 h")
    row = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "crisis.journal_entry")
                            .order_by(AuditEvent.id.desc()).limit(1))
    assert row.changes == {"entry": [None, entry.id]} and "Point presse" in row.summary


def test_verify_journal_of_an_unknown_crisis_exits_2(app, db_session):
    assert _verify(app, 999999).exit_code == 2
