"""A journal that proves it is whole: a keyed chain (nobody without the key recomputes it) and heads witnessed
outside the database (a deleted tail or a rewrite no longer holds a head recorded before)."""

from __future__ import annotations

import io
import json

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from crisis_app.core.db import db
from crisis_app.core.models import AuditEvent
from crisis_app.core.roles import Role
from crisis_app.crises import chain, journal
from crisis_app.crises.chain import GENESIS
from crisis_app.crises.models import JournalEntry
from tests.documents import fetch


def _cli(app, *args):
    return app.test_cli_runner().invoke(args=["crisis", *map(str, args)])


def _write(crisis, referent, *texts):
    return [journal.write(actor=referent, crisis=crisis, kind="information", text=t) for t in texts]


def _rows(crisis_id):
    return db.session.execute(sa.text("SELECT id, seq, at, kind, text, author_id, author_label, corrects_id, "
                                      "prev_hash, hash FROM crisis_journal_entry WHERE crisis_id = :c ORDER BY seq"),
                              {"c": crisis_id}).mappings().all()


def _recompute_plain(crisis_id):
    """What an attacker with the database and the project's code, but not the key, can do: recompute every hash."""
    prev = GENESIS
    for row in _rows(crisis_id):
        content = {k: row[k] for k in ("seq", "kind", "text", "author_id", "author_label", "corrects_id")}
        at = db.session.get(JournalEntry, row["id"], populate_existing=True).at
        digest = chain.plain_hash(prev, crisis_id=crisis_id, at=at, **content)
        db.session.execute(sa.text("UPDATE crisis_journal_entry SET prev_hash = :p, hash = :h WHERE id = :id"),
                           {"p": prev, "h": digest, "id": row["id"]})
        prev = digest


@pytest.fixture
def witness(app, crisis, referent, tmp_path):
    """Four entries, then a first run of verify-journal recording the head in a witness file."""
    _write(crisis, referent, "Ouverture d'un point d'accueil", "L'ARS annonce 38 °C", "Appels aux patients en ALD")
    path = tmp_path / "temoin.jsonl"
    first = _cli(app, "verify-journal", crisis.id, "--witness", path)
    assert first.exit_code == 0, first.output
    return path


def test_the_head_is_one_short_line_with_the_count_and_the_last_hash(crisis, referent):
    _write(crisis, referent, "Point à 14 h")
    last = journal.entries(crisis)[-1]
    line = chain.head_line(crisis)
    assert line == f"Journal : 2\u00a0entrées, empreinte {last.hash[:8]}…{last.hash[-4:]}"


def test_an_intact_journal_passes_and_its_head_is_appended_to_the_witness(app, crisis, referent, witness):
    heads = [json.loads(line) for line in witness.read_text().splitlines()]
    assert [(h["crisis_id"], h["count"]) for h in heads] == [(crisis.id, 4)]
    assert heads[0]["hash"] == journal.entries(crisis)[-1].hash
    _write(crisis, referent, "Renfort arrivé")
    again = _cli(app, "verify-journal", crisis.id, "--witness", witness)
    assert again.exit_code == 0, again.output
    assert "1 empreinte(s) témoin retrouvée(s)" in again.output
    assert [json.loads(line)["count"] for line in witness.read_text().splitlines()] == [4, 5]


def test_the_last_entry_deleted_is_named_as_a_deleted_tail(app, crisis, witness):
    db.session.execute(sa.text("DELETE FROM crisis_journal_entry WHERE crisis_id = :c AND seq = 4"), {"c": crisis.id})
    result = _cli(app, "verify-journal", crisis.id, "--witness", witness)
    assert result.exit_code == 1
    assert "fin du journal supprimée : le témoin du" in result.output and "n'en a plus que 3" in result.output
    assert len(witness.read_text().splitlines()) == 1  # nothing appended to the evidence of a broken journal


def test_a_rewrite_recomputed_with_the_plain_function_is_found(app, crisis, witness):
    second = _rows(crisis.id)[1]
    db.session.execute(sa.text("UPDATE crisis_journal_entry SET text = 'Rien annoncé' WHERE id = :id"),
                       {"id": second["id"]})
    _recompute_plain(crisis.id)
    result = _cli(app, "verify-journal", crisis.id, "--witness", witness)
    assert result.exit_code == 1
    assert "journal réécrit : l'entrée n° 4 n'a plus l'empreinte" in result.output
    # even without the witness the chain does not hold: the first entry's hash was not computed with the key
    assert f"entrée n° 1 (id {_rows(crisis.id)[0]['id']})" in result.output
    assert "empreinte calculée sans la clé" in result.output


def test_two_rows_with_their_columns_swapped_are_found(app, crisis, witness):
    a, b = _rows(crisis.id)[1:3]
    for row, other in ((a, b), (b, a)):
        db.session.execute(sa.text("UPDATE crisis_journal_entry SET text = :t, author_label = :l WHERE id = :id"),
                           {"t": other["text"], "l": other["author_label"], "id": row["id"]})
    result = _cli(app, "verify-journal", crisis.id, "--witness", witness)
    assert result.exit_code == 1
    assert "colonnes échangées" in result.output
    assert result.output.strip().splitlines()[-1] == str(a["id"])


def test_a_witness_line_that_is_not_a_head_is_refused(app, crisis, tmp_path):
    path = tmp_path / "temoin.jsonl"
    path.write_text('{"crisis_id": 1}\n')
    result = _cli(app, "verify-journal", crisis.id, "--witness", path)
    assert result.exit_code == 1 and "ligne 1" in result.output and "ce n'est pas une empreinte" in result.output


def test_heads_of_other_crises_in_the_same_witness_are_left_alone(app, crisis, witness):
    with witness.open("a") as out:
        out.write(json.dumps({"crisis_id": crisis.id + 1000, "count": 99, "hash": "0" * 64, "at": "x"}) + "\n")
    assert _cli(app, "verify-journal", crisis.id, "--witness", witness).exit_code == 0


def test_a_journal_of_the_first_chain_is_sealed_once_by_rechain(app, crisis, referent):
    _write(crisis, referent, "Avant la clé")
    _recompute_plain(crisis.id)  # as an upgraded database holds it: every entry hashed without a key
    before = journal.check_chain(crisis.id)  # (the command would roll the test's own transaction back on exit 1)
    assert before.legacy and "« flask crisis rechain »" in before.reason
    _write(crisis, referent, "Après la mise à jour")  # a keyed entry chained onto the old ones
    sealed = _cli(app, "rechain")
    assert sealed.exit_code == 0, sealed.output
    assert f"Crise {crisis.id} : 3 entrée(s) scellée(s)" in sealed.output
    db.session.expire_all()
    assert _cli(app, "verify-journal", crisis.id).exit_code == 0
    sealed_row = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "crisis.journal_rechained"))
    assert sealed_row.object_id == str(crisis.id) and "3 entrée(s), empreintes recalculées" in sealed_row.summary
    assert "scellée" not in _cli(app, "rechain").output  # once: nothing left to seal


def test_rechain_refuses_a_journal_whose_old_chain_does_not_hold(app, crisis, referent):
    _write(crisis, referent, "Avant la clé")
    _recompute_plain(crisis.id)
    db.session.execute(sa.text("UPDATE crisis_journal_entry SET text = 'autre' WHERE crisis_id = :c AND seq = 2"),
                       {"c": crisis.id})
    result = _cli(app, "rechain", "--crisis", crisis.id)
    assert result.exit_code == 1 and "rompu à l'entrée n° 2" in result.output
    assert _rows(crisis.id)[1]["text"] == "autre"  # left as it is, for examination


def test_another_key_does_not_verify_the_journal(app, crisis, referent, monkeypatch):
    _write(crisis, referent, "Point")
    monkeypatch.setitem(app.config, "VIGIE_JOURNAL_KEY", "une-autre-cle-de-journal")
    assert _cli(app, "verify-journal", crisis.id).exit_code == 1


def test_the_key_is_derived_from_the_secret_key_under_its_own_label():
    derived = chain.derive_key(journal_key=None, secret_key="s" * 40)
    assert derived != b"s" * 40 and derived == chain.derive_key(journal_key="", secret_key="s" * 40)
    assert chain.derive_key(journal_key="k", secret_key="s" * 40) == b"k"


def test_the_journal_pdf_prints_the_head(login, personas, crisis, referent):
    _write(crisis, referent, "Point")
    response = fetch(login(personas[Role.CRISIS_CELL]), f"/crises/{crisis.id}/journal.pdf")
    assert response.status_code == 200
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert "Journal : 2" in text and "intacte" in text


def test_the_journal_csv_ends_with_the_head(login, personas, crisis, referent):
    _write(crisis, referent, "Point")
    response = login(personas[Role.CRISIS_CELL]).get(f"/crises/{crisis.id}/journal.csv")
    assert response.status_code == 200
    last = response.get_data(as_text=True).strip().splitlines()[-1]
    assert chain.head_line(crisis) in last and journal.entries(crisis)[-1].hash in last


def test_two_rows_swapped_whole_behind_a_correction_are_found(app, crisis, referent):
    """Every column but the row id swapped: each position reads as before, but the correction now points at the
    other entry. The correction's link is hashed as the position it corrects, so the chain no longer holds."""
    first, second, _ = _write(crisis, referent, "Ouverture d'un point d'accueil", "L'ARS annonce 38 °C", "Appels")
    journal.write(actor=referent, crisis=crisis, kind="correction", text="Point d'accueil fermé", corrects_id=first.id)
    a, b = (r for r in _rows(crisis.id) if r["id"] in (first.id, second.id))
    columns = ("seq", "at", "kind", "text", "author_id", "author_label", "prev_hash", "hash")
    db.session.execute(sa.text("UPDATE crisis_journal_entry SET seq = -1 WHERE id = :id"), {"id": a["id"]})
    for row, other in ((b, a), (a, b)):
        values = {c: other[c] for c in columns}
        db.session.execute(sa.text(f"UPDATE crisis_journal_entry SET {', '.join(f'{c} = :{c}' for c in columns)} "
                                   "WHERE id = :id"), {**values, "id": row["id"]})
    broken = journal.check_chain(crisis.id)
    assert broken is not None and broken.entry.seq == 5 and "réécrit" in broken.reason
