"""The import pages: upload, dry-run preview, confirmation; the CSV download; who may do what."""

from __future__ import annotations

import html
import io
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from crisis_app.core.db import db
from crisis_app.core.models import AuditEvent
from crisis_app.core.roles import Role
from crisis_app.directory.professionals.models import Professional
from tests import factories
from tests.conftest import csrf_token, form_post
from tests.directory import annuaire_samples as samples

ALL_BUT_COORDINATOR = [r for r in Role if r is not Role.COORDINATOR]
WITHOUT_DIRECTORY_READ = [Role.PROFESSIONAL, Role.QUALITY_REFERENT, Role.ARS_OBSERVER]
INDEX = "/annuaire/import/"


def _text(response) -> str:
    return html.unescape(response.text)


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Professional)) or 0


def _file(text: str, name: str = "PS_LibreAcces_Personne_activite_202501010000.txt"):
    return io.BytesIO(text.encode("utf-8")), name


def _uploads(app) -> list[Path]:
    folder = Path(app.config["INSTANCE_DIR"]) / "imports"
    return sorted(folder.glob("*")) if folder.exists() else []


@pytest.fixture(autouse=True)
def _own_instance_dir(app, tmp_path, monkeypatch):
    """Each test sees only its own uploads."""
    monkeypatch.setitem(app.config, "INSTANCE_DIR", str(tmp_path))


@pytest.fixture(autouse=True)
def _eager(app, monkeypatch):
    """The import task runs inline, as a worker would run it, so the page it redirects to shows its outcome."""
    monkeypatch.setattr(app.extensions["celery"].conf, "task_always_eager", True)
    monkeypatch.setattr(app.extensions["celery"].conf, "task_eager_propagates", True)


@pytest.fixture
def coordinator(personas, login):
    return login(personas[Role.COORDINATOR])


def _preview(client, lines, **fields):
    data = {"annuaire_file": _file(samples.render(lines)), "departements": "31", "communes": "", **fields}
    return _follow(client, form_post(client, "/annuaire/import/annuaire", data, token_from=INDEX))


def _follow(client, response):
    return client.get(response.headers["Location"]) if response.status_code == 303 else response


def _confirm(client, preview_html: str):
    action = re.search(r'action="(/annuaire/import/suivi/\d+/confirmer)"', preview_html).group(1)
    return _follow(client, form_post(client, action, {}, token_from=INDEX))


def test_coordinator_previews_then_confirms_an_annuaire_import(app, client, personas, coordinator):
    lines = samples.territory_and_elsewhere(inside=4, outside=3)
    lines[1]["Adresse e-mail (coord. structure)"] = "pas-une-adresse"
    preview = _preview(client, lines)
    assert preview.status_code == 200
    assert "Simulation : rien n'a encore été enregistré" in _text(preview)
    assert 'data-testid="created">3<' in _text(preview) and 'data-testid="skipped">3<' in _text(preview)
    assert "Adresse e-mail invalide." in _text(preview) and '<td data-label="Ligne">3</td>' in _text(preview)
    assert lines[0]["Prénom d'exercice"] in _text(preview)  # a sample of what would be created
    assert _count() == 0 and len(_uploads(app)) == 1 and _uploads(app)[0].suffix == ".txt"

    report = _confirm(client, _text(preview))
    assert report.status_code == 200 and "Import de l'Annuaire Santé terminé" in _text(report)
    assert 'data-testid="created">3<' in _text(report)
    assert _count() == 3 and _uploads(app) == []
    summary = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "directory.import"))
    assert summary.actor_id == personas[Role.COORDINATOR].user.id


def test_confirming_a_forgotten_upload_is_not_found(client, coordinator):
    response = form_post(client, "/annuaire/import/suivi/999999/confirmer", {}, token_from=INDEX)
    assert response.status_code == 404
    response = form_post(client, "/annuaire/import/suivi/../../secret_key/confirmer", {}, token_from=INDEX)
    assert response.status_code == 404


def test_a_file_missing_a_column_is_refused_in_french_and_not_kept(app, client, coordinator):
    text = samples.render(samples.territory_and_elsewhere()).replace("Code profession|", "Profession|", 1)
    response = form_post(client, "/annuaire/import/annuaire",
                         {"annuaire_file": _file(text), "departements": "31"}, token_from=INDEX)
    assert response.status_code == 400
    assert "colonne(s) obligatoire(s) absente(s) : « Code profession »" in _text(response)
    assert _uploads(app) == []


def test_a_bad_territory_names_the_field(app, client, coordinator):
    response = _preview(client, samples.territory_and_elsewhere(), departements="", communes="Toulouse")
    assert response.status_code == 400 and "Commune « Toulouse »" in _text(response)
    response = _preview(client, samples.territory_and_elsewhere(), departements="", communes="")
    assert response.status_code == 400 and "au moins un département ou une commune" in _text(response)
    assert _uploads(app) == []


def test_an_upload_without_a_file_says_so(client, coordinator):
    response = form_post(client, "/annuaire/import/annuaire", {"departements": "31"}, token_from=INDEX)
    assert response.status_code == 400 and "Choisissez le fichier à importer." in _text(response)


def test_an_upload_without_csrf_token_is_refused_and_nothing_is_kept(app, client, coordinator):
    response = client.post("/annuaire/import/annuaire",
                           data={"annuaire_file": _file(samples.render(samples.territory_and_elsewhere())),
                                 "departements": "31"})
    assert response.status_code == 400 and "CSRF" in _text(response)
    assert _uploads(app) == []
    response = client.post("/annuaire/import/suivi/1/confirmer", data={})
    assert response.status_code == 400


def test_coordinator_previews_then_confirms_a_csv_import(app, client, coordinator):
    known = factories.professional()
    export = client.get("/annuaire/import/export.csv")
    text = export.data.decode("utf-8-sig").replace(known.last_name, "Nouveau-Nom")
    preview = _follow(client, form_post(client, "/annuaire/import/csv", {"csv_file": _file(text, "annuaire.csv")},
                                        token_from=INDEX))
    assert preview.status_code == 200 and 'data-testid="updated">1<' in _text(preview)
    assert "Nouveau-Nom" in _text(preview) and db.session.get(Professional, known.id).last_name != "Nouveau-Nom"
    assert _uploads(app)[0].suffix == ".csv"
    report = _confirm(client, _text(preview))
    assert report.status_code == 200 and db.session.get(Professional, known.id).last_name == "Nouveau-Nom"


def test_the_csv_download_is_excel_ready_and_filtered(client, personas, login):
    inside = factories.professional(commune_code="31069", commune_name="Blagnac")
    outside = factories.professional(commune_code="31555", commune_name="Toulouse")
    login(personas[Role.COORDINATOR])  # the full export is the coordinator's (test_exports.py)
    response = client.get("/annuaire/import/export.csv?commune_code=31069")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="annuaire-')
    assert response.data.startswith(b"\xef\xbb\xbfRPPS;ADELI;")
    assert inside.rpps.encode() in response.data and outside.rpps.encode() not in response.data


def test_a_bad_export_filter_is_a_french_400(client, personas, login):
    login(personas[Role.COORDINATOR])
    response = client.get("/annuaire/import/export.csv?crisis_role=roi")
    assert response.status_code == 400 and "Filtre invalide" in _text(response)


@pytest.mark.parametrize("role", ALL_BUT_COORDINATOR)
def test_only_the_coordinator_imports(app, client, personas, login, role):
    login(personas[role])
    token = csrf_token(client, "/mon-compte")
    assert client.get(INDEX).status_code == 403
    for kind, field in (("annuaire", "annuaire_file"), ("csv", "csv_file")):
        response = client.post(f"/annuaire/import/{kind}", data={
            field: _file(samples.render(samples.territory_and_elsewhere())), "departements": "31",
            "csrf_token": token})
        assert response.status_code == 403
        response = client.post("/annuaire/import/suivi/1/confirmer", data={"csrf_token": token})
        assert response.status_code == 403
    assert _uploads(app) == [] and _count() == 0


@pytest.mark.parametrize("role", WITHOUT_DIRECTORY_READ)
def test_roles_without_directory_read_cannot_download_it(client, personas, login, role):
    factories.professional()
    login(personas[role])
    assert client.get("/annuaire/import/export.csv").status_code == 403


def test_the_coordinator_home_shows_the_import_card(client, coordinator):
    assert "Import de l'annuaire" in _text(client.get("/"))
