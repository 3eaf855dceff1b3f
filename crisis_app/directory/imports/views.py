"""Pages of the directory's imports (Annuaire Santé, CSV), run by a worker and followed live, and the CSV export.

The upload route takes files far larger than the rest of the site (a national extraction is hundreds of MB):
its own limit, ``VIGIE_IMPORT_MAX_BYTES``, is set on the request before anything reads the body.
"""

from __future__ import annotations

import io
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from marshmallow import ValidationError, fields
from wtforms import StringField

from crisis_app.core.access import get_for_user, permission_required
from crisis_app.core.api import html_error
from crisis_app.core.db import abandon, utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.home import Card, card_provider
from crisis_app.directory.imports import csv_io, jobs
from crisis_app.directory.imports.models import DirectoryImport, ImportState
from crisis_app.directory.schemas import DirectoryQuerySchema

bp = Blueprint("directory_import", __name__, url_prefix="/annuaire/import")

DEFAULT_IMPORT_MAX_BYTES = 1024**3  # the national extraction is about 700 MB
UPLOAD_ENDPOINTS = {"directory_import.upload"}


@bp.before_app_request
def _import_size_limit():
    """The upload route gets its own, larger, body limit. An app-wide hook (registered with the blueprint,
    before the app's CSRF hook) because the CSRF check reads the body first: a blueprint hook would be too late."""
    if request.endpoint in UPLOAD_ENDPOINTS:
        request.max_content_length = int(current_app.config.get("VIGIE_IMPORT_MAX_BYTES", DEFAULT_IMPORT_MAX_BYTES))


class AnnuaireUploadForm(FlaskForm):
    annuaire_file = FileField("Extraction PS_LibreAcces_Personne_activite (.txt)",
                              validators=[FileRequired("Choisissez le fichier à importer.")])
    departements = StringField("Départements à garder", description="Séparés par des virgules : 31, 82")
    communes = StringField("Communes à garder (codes INSEE)", description="Séparés par des virgules : 31555, 31069")


class CsvUploadForm(FlaskForm):
    csv_file = FileField("Fichier CSV de l'annuaire (colonnes de l'export)",
                         validators=[FileRequired("Choisissez le fichier à importer.")])


class ConfirmForm(FlaskForm):
    """Only the CSRF token: the import to confirm is in the URL."""


def _shown_name(name: str | None) -> str:
    """The name the file had on the user's computer (the stored copy is named by a UUID)."""
    return Path((name or "").replace("\\", "/")).name[:200] or "fichier sans nom"


def _index(status: int = 200, **forms):
    forms.setdefault("annuaire_form", AnnuaireUploadForm(formdata=None))
    forms.setdefault("csv_form", CsvUploadForm(formdata=None))
    return render_template("directory/import_index.html", **forms), status


def _refused(form, exc: ServiceError, kind: str):
    file_field = getattr(form, f"{kind}_file")
    for name, messages in exc.fields.items():
        target = file_field if name == "file" else getattr(form, name, file_field)
        target.errors = [*target.errors, *messages]
    if not exc.fields:
        file_field.errors = [*file_field.errors, exc.message]
    return _index(exc.status, **{f"{kind}_form": form})


@bp.route("/")
@permission_required("directory.import")
def index():
    return _index()


@bp.route("/<kind>", methods=["POST"])
@permission_required("directory.import")
def upload(kind: str):
    """Keep the file, check its header and queue its dry run; the page then follows it."""
    if kind not in jobs.SUFFIXES:
        abort(404)
    form = AnnuaireUploadForm() if kind == "annuaire" else CsvUploadForm()
    if not form.validate_on_submit():
        return _index(400, **{f"{kind}_form": form})
    storage = getattr(form, f"{kind}_file").data
    territory = {k: getattr(form, k).data or "" for k in ("departements", "communes") if hasattr(form, k)}
    try:
        job = jobs.start_import(actor=current_user._get_current_object(), kind=kind, storage=storage,
                                       file_name=_shown_name(storage.filename), **territory)
    except ServiceError as exc:
        abandon()
        return _refused(form, exc, kind)
    return redirect(url_for("directory_import.follow", import_id=job.id), code=303)


MAX_ID = 2**31 - 1  # PostgreSQL's integer: a larger id can only be unknown (and must not reach the database)


def _job(import_id: int) -> DirectoryImport:
    return get_for_user(DirectoryImport, min(import_id, MAX_ID), "directory.import")


@bp.route("/suivi/<int:import_id>")
@permission_required("directory.import")
def follow(import_id: int):
    """The import's page: a progress bar while a worker runs it, then the preview or the report."""
    job = _job(import_id)
    report = jobs.report_of(job)
    if job.state is ImportState.PREVIEWED:
        return render_template("directory/import_preview.html", report=report, form=ConfirmForm(), job=job,
                               action=url_for("directory_import.confirm", import_id=job.id))
    if job.state is ImportState.DONE:
        return render_template("directory/import_report.html", report=report, job=job)
    return render_template("directory/import_follow.html", job=job, status=jobs.status(job))


@bp.route("/suivi/<int:import_id>.json")
@permission_required("directory.import")
def follow_status(import_id: int):
    """Progress for the page's script: state, percent, and whether to keep asking."""
    return jsonify(jobs.status(_job(import_id)))


@bp.route("/suivi/<int:import_id>/confirmer", methods=["POST"])
@permission_required("directory.import")
def confirm(import_id: int):
    """Run the previewed import for real."""
    job = _job(import_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        jobs.confirm_import(actor=current_user._get_current_object(), job=job)
    except ServiceError as exc:
        abandon()
        return html_error(exc.status, message=exc.message)
    return redirect(url_for("directory_import.follow", import_id=job.id), code=303)


@bp.route("/suivi/<int:import_id>/annuler", methods=["POST"])
@permission_required("directory.import")
def cancel(import_id: int):
    """Give up a previewed import; its file is deleted at once."""
    job = _job(import_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        jobs.cancel_import(actor=current_user._get_current_object(), job=job)
    except ServiceError as exc:
        abandon()
        return html_error(exc.status, message=exc.message)
    return redirect(url_for("directory_import.follow", import_id=job.id), code=303)


def _criteria(args) -> dict:
    schema = DirectoryQuerySchema()
    raw = {}
    for name, field in schema.fields.items():
        values = [v for v in args.getlist(name) if v != ""]
        if values:
            raw[name] = values if isinstance(field, fields.List) else values[0]
    return schema.load(raw)


@bp.route("/export.csv")
@permission_required("directory.export")
def export():
    """The (filtered) directory as a CSV file for Excel, contacts included: the coordinator's
    (professionals/exports.py)."""
    try:
        criteria = _criteria(request.args)
    except ValidationError as exc:
        detail = " ; ".join(f"{k} : {' '.join(map(str, v)) if isinstance(v, list) else v}"
                            for k, v in exc.messages.items())
        return html_error(400, message=f"Filtre invalide — {detail}")
    buffer = io.StringIO()
    csv_io.export_directory(actor=current_user._get_current_object(), criteria=criteria, handle=buffer)
    filename = f"annuaire-{utcnow():%Y-%m-%d}.csv"
    return Response("\ufeff" + buffer.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@card_provider("directory.import", order=60)
def _import_card(user):
    yield Card(title="Import de l'annuaire", value="Annuaire Santé · CSV",
               detail="Mettre à jour l'annuaire depuis l'extraction publique ou un fichier Excel.",
               url=url_for("directory_import.index"), action="Importer un fichier")
