"""Imports run by a worker: the upload answers at once, the page follows the progress, the file is kept only
as long as the import needs it, and the upload route has its own size limit."""

from __future__ import annotations

import html
import io
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from crisis_app.core.db import db
from crisis_app.core.roles import Role
from crisis_app.directory.imports import annuaire, tasks
from crisis_app.directory.imports import jobs as import_jobs
from crisis_app.directory.imports.models import DirectoryImport, ImportState
from crisis_app.directory.imports.territory import parse_territory
from crisis_app.directory.professionals.models import Professional
from tests.conftest import csrf_token
from tests.directory import annuaire_samples as samples

INDEX = "/annuaire/import/"


@pytest.fixture(autouse=True)
def _own_instance_dir(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "INSTANCE_DIR", str(tmp_path))


@pytest.fixture
def coordinator(client, personas, login):
    return login(personas[Role.COORDINATOR])


def _uploads(app) -> list[Path]:
    folder = Path(app.config["INSTANCE_DIR"]) / "imports"
    return sorted(folder.glob("*")) if folder.exists() else []


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Professional)) or 0


def _upload(client, text: str | bytes, *, kind: str = "annuaire", name: str = "PS_LibreAcces.txt"):
    body = text.encode("utf-8") if isinstance(text, str) else text
    data = {f"{kind}_file": (io.BytesIO(body), name), "csrf_token": csrf_token(client, INDEX)}
    if kind == "annuaire":
        data["departements"] = "31"
    return client.post(f"/annuaire/import/{kind}", data=data, content_type="multipart/form-data")


def _job() -> DirectoryImport:
    db.session.expire_all()
    return db.session.scalars(sa.select(DirectoryImport).order_by(DirectoryImport.id.desc())).first()


def test_the_upload_answers_at_once_and_a_worker_runs_the_dry_run(app, client, coordinator):
    response = _upload(client, samples.render(samples.territory_and_elsewhere(inside=4, outside=2)))
    assert response.status_code == 303
    job = _job()
    assert response.headers["Location"].endswith(f"/annuaire/import/suivi/{job.id}")
    assert job.state is ImportState.QUEUED and job.file_name == "PS_LibreAcces.txt"
    page = client.get(f"/annuaire/import/suivi/{job.id}").text
    assert 'data-testid="import-progress"' in page and "js/import-progress.js" in page
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)  # CSP: no inline script
    assert client.get(f"/annuaire/import/suivi/{job.id}.json").get_json() == {
        "id": job.id, "state": "queued", "label": "En attente", "progress": 0, "dry_run": True, "message": None,
        "waiting": True}

    tasks.run_import(job.id)  # what the worker does
    status = client.get(f"/annuaire/import/suivi/{job.id}.json").get_json()
    assert (status["state"], status["progress"], status["waiting"]) == ("previewed", 100, False)
    preview = html.unescape(client.get(f"/annuaire/import/suivi/{job.id}").text)
    assert "Simulation : rien n'a encore été enregistré" in preview and 'data-testid="created">4<' in preview
    assert _count() == 0 and len(_uploads(app)) == 1


def test_confirming_runs_the_real_import_once_and_deletes_the_file(app, client, coordinator):
    _upload(client, samples.render(samples.territory_and_elsewhere(inside=3, outside=1)))
    job = _job()
    tasks.run_import(job.id)
    token = csrf_token(client, INDEX)
    assert client.post(f"/annuaire/import/suivi/{job.id}/confirmer", data={"csrf_token": token}).status_code == 303
    assert client.post(f"/annuaire/import/suivi/{job.id}/confirmer", data={"csrf_token": token}).status_code == 303
    assert _job().state is ImportState.QUEUED and _job().dry_run is False
    tasks.run_import(job.id)
    tasks.run_import(job.id)  # a task delivered twice finds the import over and does nothing
    assert _job().state is ImportState.DONE and _job().stored_name is None
    assert _count() == 3 and _uploads(app) == []
    report = html.unescape(client.get(f"/annuaire/import/suivi/{job.id}").text)
    assert "Import de l'Annuaire Santé terminé" in report and "Fichier « PS_LibreAcces.txt »" in report


def test_progress_is_told_as_the_file_is_read(db_session, tmp_path):
    path = tmp_path / "big.txt"
    path.write_text(samples.render(samples.territory_and_elsewhere(inside=30, outside=300)), encoding="utf-8")
    seen: list[float] = []
    annuaire.import_annuaire(path=path, territory=parse_territory(["31"], []), dry_run=True, on_progress=seen.append)
    assert len(seen) >= 50 and seen == sorted(seen) and 0 < seen[0] < 0.1 and 0.9 < seen[-1] < 1


def test_the_percentage_is_committed_where_the_page_can_read_it(app, client, coordinator, monkeypatch):
    _upload(client, samples.render(samples.territory_and_elsewhere(inside=5, outside=200)))
    job = _job()
    written: list[int] = []
    real = import_jobs.progress_writer

    def spy(job_id):
        write = real(job_id)

        def wrapped(fraction):
            write(fraction)
            written.append(db.session.scalar(sa.select(DirectoryImport.progress)
                                             .where(DirectoryImport.id == job_id)))
        return wrapped

    monkeypatch.setattr(import_jobs, "progress_writer", spy)
    tasks.run_import(job.id)
    assert written and written == sorted(written) and written[-1] >= 90


def test_a_failing_import_is_reported_and_its_file_deleted(app, client, coordinator, monkeypatch):
    _upload(client, samples.render(samples.territory_and_elsewhere()))
    job = _job()
    monkeypatch.setattr(annuaire, "import_annuaire", _raise_service_error)
    tasks.run_import(job.id)
    assert _job().state is ImportState.FAILED and _uploads(app) == []
    page = html.unescape(client.get(f"/annuaire/import/suivi/{job.id}").text)
    assert 'data-testid="import-failed">Le disque est plein.' in page


def _raise_service_error(**kwargs):
    from crisis_app.core.errors import ServiceError

    raise ServiceError("disk", "Le disque est plein.")


def test_cancelling_a_preview_deletes_the_file(app, client, coordinator):
    _upload(client, samples.render(samples.territory_and_elsewhere()))
    job = _job()
    tasks.run_import(job.id)
    response = client.post(f"/annuaire/import/suivi/{job.id}/annuler", data={"csrf_token": csrf_token(client, INDEX)})
    assert response.status_code == 303 and _job().state is ImportState.CANCELLED and _uploads(app) == []


def test_a_bad_header_is_refused_at_once_and_nothing_is_kept(app, client, coordinator):
    text = samples.render(samples.territory_and_elsewhere()).replace("Code profession|", "Profession|", 1)
    response = _upload(client, text)
    assert response.status_code == 400 and "« Code profession »" in html.unescape(response.text)
    assert _uploads(app) == [] and _job() is None


def test_an_upload_that_cannot_be_written_leaves_nothing_on_disk(app, client, coordinator, monkeypatch):
    def half_written(self, dst, buffer_size=16384):
        Path(dst).write_bytes(b"Type d'identifiant PP|Ident")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(FileStorage, "save", half_written)
    response = _upload(client, samples.render(samples.territory_and_elsewhere()))
    assert response.status_code == 503 and "n'a pas pu être enregistré" in html.unescape(response.text)
    assert _uploads(app) == [] and _job() is None


def test_the_import_upload_has_its_own_limit_above_the_global_one(app, client, coordinator, monkeypatch):
    text = samples.render(samples.territory_and_elsewhere(inside=20, outside=20))
    assert len(text.encode()) > 4000
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 2000)
    monkeypatch.setitem(app.config, "VIGIE_IMPORT_MAX_BYTES", 10_000_000)
    assert _upload(client, text).status_code == 303
    big_elsewhere = client.post("/annuaire/nouveau", data={"last_name": "x" * 5000,
                                                           "csrf_token": csrf_token(client, INDEX)})
    assert big_elsewhere.status_code == 413


def test_an_import_over_its_limit_is_refused_with_413_and_not_kept(app, client, coordinator, monkeypatch):
    monkeypatch.setitem(app.config, "VIGIE_IMPORT_MAX_BYTES", 3000)
    text = samples.render(samples.territory_and_elsewhere(inside=20, outside=20))
    assert _upload(client, text).status_code == 413
    assert _uploads(app) == [] and _job() is None


@pytest.mark.parametrize("role", [Role.CRISIS_REFERENT, Role.CRISIS_CELL])
def test_only_the_coordinator_follows_confirms_or_cancels_an_import(app, client, personas, login, coordinator, role):
    _upload(client, samples.render(samples.territory_and_elsewhere()))
    job = _job()
    tasks.run_import(job.id)
    client.post("/deconnexion", data={"csrf_token": csrf_token(client, INDEX)})
    login(personas[role])
    token = csrf_token(client, "/mon-compte")
    assert client.get(f"/annuaire/import/suivi/{job.id}").status_code == 403
    assert client.get(f"/annuaire/import/suivi/{job.id}.json").status_code == 403
    for action in ("confirmer", "annuler"):
        assert client.post(f"/annuaire/import/suivi/{job.id}/{action}", data={"csrf_token": token}).status_code == 403
    assert _job().state is ImportState.PREVIEWED and len(_uploads(app)) == 1


def test_a_preview_nobody_confirms_is_cancelled_and_its_file_deleted_after_a_day(app, client, coordinator):
    from datetime import timedelta

    from crisis_app.core.db import utcnow

    for _ in range(2):
        _upload(client, samples.render(samples.territory_and_elsewhere()))
        tasks.run_import(_job().id)
    old, fresh = db.session.scalars(sa.select(DirectoryImport).order_by(DirectoryImport.id)).all()
    old.created_at = utcnow() - timedelta(days=2)
    db.session.commit()
    assert len(_uploads(app)) == 2
    assert tasks.expire_imports() == 1
    db.session.expire_all()
    assert old.state is ImportState.CANCELLED and old.stored_name is None
    assert fresh.state is ImportState.PREVIEWED and _uploads(app) == [import_jobs.path_of(fresh)]
    assert "directory-stale-imports" in app.extensions["celery"].conf.beat_schedule


def test_an_import_id_beyond_the_database_range_is_not_found(client, coordinator):
    for url in ("/annuaire/import/suivi/99999999999999999999", "/annuaire/import/suivi/99999999999999999999.json"):
        assert client.get(url).status_code == 404
