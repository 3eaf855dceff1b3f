"""Pages of the directory's imports (Annuaire Santé, CSV) with a dry-run preview, and the CSV export."""

from __future__ import annotations

import io
import time
import uuid
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from marshmallow import ValidationError, fields
from wtforms import HiddenField, StringField

from crisis_app.core.access import permission_required
from crisis_app.core.api import html_error
from crisis_app.core.db import utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.home import Card, card_provider
from crisis_app.directory import csv_io, importer
from crisis_app.directory.schemas import DirectoryQuerySchema

bp = Blueprint("directory_import", __name__, url_prefix="/annuaire/import")

SUFFIXES = {"annuaire": ".txt", "csv": ".csv"}
UPLOAD_MAX_AGE_SECONDS = 24 * 3600  # an upload never confirmed is removed after a day


class AnnuaireUploadForm(FlaskForm):
    annuaire_file = FileField("Extraction PS_LibreAcces_Personne_activite (.txt)",
                              validators=[FileRequired("Choisissez le fichier à importer.")])
    departements = StringField("Départements à garder", description="Séparés par des virgules : 31, 82")
    communes = StringField("Communes à garder (codes INSEE)", description="Séparés par des virgules : 31555, 31069")


class CsvUploadForm(FlaskForm):
    csv_file = FileField("Fichier CSV de l'annuaire (colonnes de l'export)",
                         validators=[FileRequired("Choisissez le fichier à importer.")])


class ConfirmForm(FlaskForm):
    departements = HiddenField()
    communes = HiddenField()
    file_name = HiddenField()


def _imports_dir() -> Path:
    path = Path(current_app.config["INSTANCE_DIR"]) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _save_upload(storage, kind: str) -> str:
    """Keep the uploaded file under instance/imports/<uuid> until it is confirmed; drop stale ones."""
    folder = _imports_dir()
    for old in folder.iterdir():
        if old.is_file() and time.time() - old.stat().st_mtime > UPLOAD_MAX_AGE_SECONDS:
            old.unlink(missing_ok=True)
    upload_id = str(uuid.uuid4())
    storage.save(folder / f"{upload_id}{SUFFIXES[kind]}")
    return upload_id


def _upload_path(kind: str, upload_id: str) -> Path:
    try:
        name = str(uuid.UUID(upload_id))
    except ValueError:
        abort(404)
    path = _imports_dir() / f"{name}{SUFFIXES[kind]}"
    if not path.is_file():
        abort(404)
    return path


def _shown_name(name: str | None) -> str:
    """The name the file had on the user's computer (the stored copy is named by a UUID)."""
    return Path((name or "").replace("\\", "/")).name[:200] or "fichier sans nom"


def _run(kind: str, path: Path, form, *, dry_run: bool, file_name: str) -> importer.ImportReport:
    actor = current_user._get_current_object()
    if kind == "csv":
        return csv_io.import_csv(path=path, actor=actor, dry_run=dry_run, file_name=file_name)
    territory = importer.parse_territory([form.departements.data or ""], [form.communes.data or ""])
    return importer.import_annuaire(path=path, territory=territory, actor=actor, dry_run=dry_run,
                                    file_name=file_name)


def _index(status: int = 200, **forms):
    forms.setdefault("annuaire_form", AnnuaireUploadForm(formdata=None))
    forms.setdefault("csv_form", CsvUploadForm(formdata=None))
    return render_template("directory/import_index.html", **forms), status


def _refused(form, exc: ServiceError, kind: str):
    file_field = getattr(form, f"{kind}_file")
    for name, messages in exc.fields.items():
        target = file_field if name == "file" else getattr(form, name, file_field)
        target.errors = [*target.errors, *messages]
    return _index(exc.status, **{f"{kind}_form": form})


@bp.route("/")
@permission_required("directory.import")
def index():
    return _index()


@bp.route("/<kind>", methods=["POST"])
@permission_required("directory.import")
def upload(kind: str):
    """Keep the file, run a dry run and show what the import would do."""
    if kind not in SUFFIXES:
        abort(404)
    form = AnnuaireUploadForm() if kind == "annuaire" else CsvUploadForm()
    if not form.validate_on_submit():
        return _index(400, **{f"{kind}_form": form})
    storage = getattr(form, f"{kind}_file").data
    file_name = _shown_name(storage.filename)
    upload_id = _save_upload(storage, kind)
    path = _upload_path(kind, upload_id)
    try:
        report = _run(kind, path, form, dry_run=True, file_name=file_name)
    except ServiceError as exc:
        path.unlink(missing_ok=True)
        return _refused(form, exc, kind)
    territory = {k: getattr(form, k).data for k in ("departements", "communes") if hasattr(form, k)}
    confirm = ConfirmForm(formdata=None, file_name=file_name, **territory)
    return render_template("directory/import_preview.html", report=report, form=confirm,
                           action=url_for("directory_import.confirm", kind=kind, upload_id=upload_id))


@bp.route("/<kind>/<upload_id>/confirmer", methods=["POST"])
@permission_required("directory.import")
def confirm(kind: str, upload_id: str):
    """Run the previewed import for real, then forget the file."""
    if kind not in SUFFIXES:
        abort(404)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    path = _upload_path(kind, upload_id)
    report = _run(kind, path, form, dry_run=False, file_name=_shown_name(form.file_name.data))
    path.unlink(missing_ok=True)
    return render_template("directory/import_report.html", report=report)


def _criteria(args) -> dict:
    schema = DirectoryQuerySchema()
    raw = {}
    for name, field in schema.fields.items():
        values = [v for v in args.getlist(name) if v != ""]
        if values:
            raw[name] = values if isinstance(field, fields.List) else values[0]
    return schema.load(raw)


@bp.route("/export.csv")
@permission_required("directory.read")
def export():
    """The (filtered) directory as a CSV file for Excel; filters are the directory's query arguments."""
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
