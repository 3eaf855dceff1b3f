"""Command line: ``flask --app wsgi directory import-annuaire|import-csv|export-csv``.

Each command is one unit of work: an import is written whole or not at all (a refused line is left out, the rest
goes on), an export and its audit row together.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup
from marshmallow import ValidationError

from crisis_app.core.db import atomic
from crisis_app.core.errors import ServiceError
from crisis_app.directory.imports import annuaire, csv_io
from crisis_app.directory.imports.territory import parse_territory
from crisis_app.directory.imports.upsert import ImportReport
from crisis_app.directory.schemas import DirectoryQuerySchema

directory_cli = AppGroup("directory", help="Annuaire des professionnels : imports et exports.")
FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


def echo_report(report: ImportReport) -> None:
    """The report in French, rejected lines included."""
    title = "Import de l'Annuaire Santé" if report.kind == "annuaire" else "Import CSV de l'annuaire"
    if report.dry_run:
        title += " — simulation : rien n'a été enregistré"
    click.echo(title)
    if report.territory:
        click.echo(f"Territoire : {report.territory}")
    click.echo(f"Lignes lues : {report.lines_read}")
    if report.kind == "annuaire":
        click.echo(f"Hors territoire (ignorées) : {report.skipped}")
    click.echo(f"Créées : {report.created}")
    click.echo(f"Mises à jour : {report.updated}")
    click.echo(f"Inchangées : {report.unchanged}")
    click.echo(f"Rejetées : {report.rejected_count}")
    for rejection in report.rejected:
        click.echo(f"  ligne {rejection.line} ({rejection.identifier or 'sans identifiant'}) : {rejection.reason}")
    if report.rejected_count > len(report.rejected):
        click.echo(f"  … et {report.rejected_count - len(report.rejected)} autre(s) ligne(s) rejetée(s)")
    if report.kept_count:
        click.echo(f"Coordonnées du fichier non reprises : {report.kept_count}")
    for kept in report.kept:
        click.echo(f"  ligne {kept.line} ({kept.identifier}, {kept.name}) : {kept.field} « {kept.in_file} » non "
                   f"repris, « {kept.kept} » gardé — {kept.reason}")
    if report.without_consent:
        click.echo(f"Sans consentement aux alertes : {report.without_consent} personne(s) — aucune alerte ne les "
                   "atteindra tant que leur consentement n'est pas recueilli")


@directory_cli.command("import-annuaire")
@click.argument("file", type=FILE)
@click.option("--departement", "departements", multiple=True, help="Département à garder (répétable : 31, 2A, 974).")
@click.option("--commune", "communes", multiple=True, help="Code INSEE de commune à garder (répétable).")
@click.option("--dry-run", is_flag=True, help="Calculer le rapport sans rien enregistrer.")
@atomic()
def import_annuaire(file: Path, departements: tuple[str, ...], communes: tuple[str, ...], dry_run: bool) -> None:
    """Import the territory's professionals from PS_LibreAcces_Personne_activite_*.txt."""
    try:
        territory = parse_territory(departements, communes)
        report = annuaire.import_annuaire(path=file, territory=territory, dry_run=dry_run)
    except ServiceError as exc:
        raise click.ClickException(exc.message) from None
    echo_report(report)


@directory_cli.command("import-csv")
@click.argument("file", type=FILE)
@click.option("--dry-run", is_flag=True, help="Calculer le rapport sans rien enregistrer.")
@atomic()
def import_csv(file: Path, dry_run: bool) -> None:
    """Create or update professionals from a directory CSV (the columns of export-csv)."""
    try:
        report = csv_io.import_csv(path=file, dry_run=dry_run)
    except ServiceError as exc:
        raise click.ClickException(exc.message) from None
    echo_report(report)


@directory_cli.command("export-csv")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option("--profession", "profession_code", multiple=True, help="Code profession (répétable).")
@click.option("--commune", "commune_code", multiple=True, help="Code INSEE de commune (répétable).")
@click.option("--tag", multiple=True, help="Étiquette (répétable).")
@click.option("--inactifs", "include_inactive", is_flag=True, help="Inclure les fiches désactivées.")
@atomic()
def export_csv(file: Path, **filters) -> None:
    """Write the (filtered) directory as a CSV for Excel."""
    raw = {k: list(v) if isinstance(v, tuple) else v for k, v in filters.items() if v}
    try:
        criteria = DirectoryQuerySchema().load(raw)
    except ValidationError as exc:
        raise click.ClickException(f"Filtre invalide : {exc.messages}") from None
    with open(file, "w", encoding="utf-8-sig", newline="") as handle:
        count = csv_io.export_directory(actor=None, criteria=criteria, handle=handle)
    click.echo(f"{count} fiche(s) exportée(s) dans {file}")


def register(app: Flask) -> None:
    """Add the commands, to the ``directory`` group if another module already made one."""
    group = app.cli.commands.get("directory")
    if group is None:
        app.cli.add_command(directory_cli)
        return
    for name, command in directory_cli.commands.items():
        group.add_command(command, name)
