"""Command line: ``flask --app wsgi crisis verify-journal CRISIS_ID``."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import AppGroup

from crisis_app.core.db import atomic, db
from crisis_app.crises import journal
from crisis_app.crises.models import Crisis

crisis_cli = AppGroup("crisis", help="Crises sanitaires : vérification du journal de bord.")


@crisis_cli.command("verify-journal")
@click.argument("crisis_id", type=int)
@atomic()
def verify_journal(crisis_id: int) -> None:
    """Exit 0 when the journal's hash chain is intact, 1 (and the first broken entry's id) when it is not."""
    crisis = db.session.get(Crisis, crisis_id)
    if crisis is None:
        click.echo(f"Crise {crisis_id} introuvable.", err=True)
        sys.exit(2)
    broken = journal.first_broken(crisis_id)
    if broken is None:
        count = len(journal.entries(crisis))
        click.echo(f"Journal de bord de la crise {crisis_id} intact : {count} entrée(s).")
        return
    click.echo(f"Journal de bord de la crise {crisis_id} altéré : première entrée rompue {broken.id} "
               f"(n° {broken.seq}).")
    click.echo(broken.id)
    sys.exit(1)


def register(app: Flask) -> None:
    app.cli.add_command(crisis_cli)
