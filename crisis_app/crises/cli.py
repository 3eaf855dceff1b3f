"""Command line: ``flask --app wsgi crisis verify-journal CRISIS_ID [--witness FILE]`` and ``crisis rechain``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask
from flask.cli import AppGroup

from crisis_app.core.db import atomic, db
from crisis_app.core.errors import ServiceError
from crisis_app.crises import chain, journal
from crisis_app.crises.models import Crisis

crisis_cli = AppGroup("crisis", help="Crises sanitaires : vérification du journal de bord.")


def _read_witness(path: Path) -> list[dict]:
    """The heads a witness file holds (JSON lines; blank lines skipped). A line that is not a head stops everything:
    a witness file is evidence, it is not guessed at."""
    heads = []
    if not path.exists():
        return heads
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            head = json.loads(line)
            int(head["crisis_id"]), int(head["count"])
        except (ValueError, KeyError, TypeError) as exc:
            raise click.ClickException(f"{path}, ligne {number} : ce n'est pas une empreinte de journal "
                                       "({\"crisis_id\": …, \"count\": …, \"hash\": …, \"at\": …})") from exc
        heads.append(head)
    return heads


@crisis_cli.command("verify-journal")
@click.argument("crisis_id", type=int)
@click.option("--witness", "witness", type=click.Path(dir_okay=False, path_type=Path),
              help="Fichier témoin (lignes JSON) : chaque empreinte relevée doit toujours être dans le journal ; "
                   "l'empreinte actuelle y est ajoutée quand le journal est intact.")
@atomic()
def verify_journal(crisis_id: int, witness: Path | None) -> None:
    """Exit 0 when the journal's keyed chain holds and keeps every witnessed head; 1 (naming what is gone and, last,
    the first broken entry's id when there is one) when it does not."""
    crisis = db.session.get(Crisis, crisis_id)
    if crisis is None:
        click.echo(f"Crise {crisis_id} introuvable.", err=True)
        sys.exit(2)
    heads = _read_witness(witness) if witness else []
    broken = journal.check_chain(crisis_id)
    problems = journal.check_witnessed(crisis_id, heads)
    if broken is None and not problems:
        count, _ = chain.head_of(crisis_id)
        witnessed = sum(1 for h in heads if h.get("crisis_id") == crisis_id)
        click.echo(f"Journal de bord de la crise {crisis_id} intact : {count} entrée(s)"
                   + (f", {witnessed} empreinte(s) témoin retrouvée(s)" if witness else "") + ".")
        click.echo(chain.head_line(crisis))
        if witness:
            with witness.open("a", encoding="utf-8") as out:
                out.write(json.dumps(chain.head_record(crisis_id), ensure_ascii=False) + "\n")
        return
    click.echo(f"Journal de bord de la crise {crisis_id} altéré :")
    for problem in problems:
        click.echo(f"- {problem}")
    if broken is not None:
        click.echo(f"- entrée n° {broken.entry.seq} (id {broken.entry.id}) : {broken.reason}")
        click.echo(broken.entry.id)
    sys.exit(1)


@crisis_cli.command("rechain")
@click.option("--crisis", "crisis_ids", type=int, multiple=True, help="Une crise (toutes par défaut).")
def rechain(crisis_ids: tuple[int, ...]) -> None:
    """Seal, once, the journals written before the keyed chain (plain SHA-256) with the key; a journal whose old
    chain does not hold is left as it is and named (exit 1)."""
    with atomic():
        ids = list(crisis_ids) or list(db.session.scalars(sa.select(Crisis.id).order_by(Crisis.id)))
    failed = False
    for crisis_id in ids:
        try:
            sealed = journal.rechain(crisis_id)
        except ServiceError as exc:
            click.echo(exc.message, err=True)
            failed = True
            continue
        if sealed:
            click.echo(f"Crise {crisis_id} : {sealed} entrée(s) scellée(s) avec la clé.")
    if failed:
        sys.exit(1)


def register(app: Flask) -> None:
    app.cli.add_command(crisis_cli)
