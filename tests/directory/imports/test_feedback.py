"""Import feedback says what it did not do and why: protected contacts line by line, people no alert reaches,
the file by its own name; a refused audience is explained on the page it was made from."""

from __future__ import annotations

import html
import io

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from crisis_app.core.db import db
from crisis_app.core.roles import Role
from crisis_app.directory.audiences import services as audiences
from crisis_app.directory.audiences.models import Audience
from crisis_app.directory.imports import cli, csv_io
from crisis_app.directory.professionals.models import Professional
from tests import factories
from tests.conftest import csrf_token, form_post
from tests.directory.imports.test_csv_io import _export, _rows, _write


@pytest.fixture
def two(db_session):
    """Anne, reachable, whose mobile and e-mail were typed by hand; Bruno, imported, without consent."""
    anne = factories.reachable_professional(mobile_phone="06 39 98 10 10", email="anne@example.org")
    bruno = factories.professional(mobile_phone="", email="")
    return anne, bruno


def _corrected_file(tmp_path, anne):
    rows = _rows(_export(tmp_path))
    by_rpps = {r["RPPS"]: r for r in rows}
    by_rpps[anne.rpps]["Téléphone mobile"] = "06 39 98 20 20"
    by_rpps[anne.rpps]["E-mail"] = "anne.nouvelle@example.org"
    return _write(tmp_path / "annuaire-corrige.csv", rows), rows


def test_a_correction_not_taken_is_listed_with_its_line_and_the_reason(two, tmp_path):
    anne, _ = two
    path, rows = _corrected_file(tmp_path, anne)
    report = csv_io.import_csv(path=path)
    line = 2 + [r["RPPS"] for r in rows].index(anne.rpps)
    assert report.unchanged == 2 and report.kept_count == 2
    kept = {k.field: k for k in report.kept}
    assert kept["Mobile"].line == line and kept["Mobile"].in_file == "06 39 98 20 20"
    assert kept["Mobile"].kept == "06 39 98 10 10" and "saisi à la main" in kept["Mobile"].reason
    assert kept["E-mail"].in_file == "anne.nouvelle@example.org" and kept["E-mail"].name == anne.display_name
    db.session.refresh(anne)
    assert anne.mobile_phone == "+33639981010"


def test_people_without_consent_are_counted_as_unreachable(two, tmp_path):
    _, bruno = two
    rows = _rows(_export(tmp_path))
    newcomer = factories.professional()
    rows.append(dict(zip([c.label for c in csv_io.CSV_COLUMNS], csv_io.row_of(newcomer), strict=True)))
    rows[-1]["RPPS"] = _rpps()
    rows[-1]["Téléphone mobile"] = ""  # a mobile two active entries may not share
    report = csv_io.import_csv(path=_write(tmp_path / "plus.csv", rows))
    # Bruno has no consent, and an import never brings one to whom it creates; Anne is reachable
    assert report.created == 1
    assert report.without_consent == 2
    assert "sans consentement aux alertes" in report.summary()


def test_the_cli_report_lists_protected_contacts_and_unreachable_people(two, tmp_path):
    anne, _ = two
    path, _ = _corrected_file(tmp_path, anne)
    result = CliRunner().invoke(cli.import_csv, [str(path), "--dry-run"])
    assert "Coordonnées du fichier non reprises : 2" in result.output
    assert "« 06 39 98 20 20 » non repris, « 06 39 98 10 10 » gardé — saisi à la main" in result.output
    assert "Sans consentement aux alertes : 1 personne(s)" in result.output


def test_the_preview_page_names_the_file_and_shows_what_was_not_taken(app, client, personas, login, two,
                                                                        tmp_path, monkeypatch):
    anne, _ = two
    monkeypatch.setitem(app.config, "INSTANCE_DIR", str(tmp_path / "instance"))
    monkeypatch.setattr(app.extensions["celery"].conf, "task_always_eager", True)
    path, _ = _corrected_file(tmp_path, anne)
    login(personas[Role.COORDINATOR])
    response = _upload(client, path.read_bytes(), "annuaire-corrige.csv")
    page = html.unescape(response.text)
    assert "Fichier « annuaire-corrige.csv »" in page
    assert 'data-testid="kept-contacts"' in page and "06 39 98 20 20" in page
    assert 'data-testid="without-consent"' in page


@pytest.mark.parametrize("kind", ["filter", "list"])
def test_a_duplicate_audience_name_is_explained_on_the_search_page(client, personas, login, two, kind):
    anne, bruno = two
    audiences.save_audience(actor=personas[Role.COORDINATOR].user, data={"name": "Astreinte", "kind": "filter"})
    login(personas[Role.CRISIS_REFERENT])
    data = {"kind": kind, "origin": "search", "name": "Astreinte", "for_exercises": "y", "q": "",
            "professional_id": [str(anne.id)] if kind == "list" else []}
    response = form_post(client, "/annuaire/audiences/nouvelle", data, token_from="/annuaire/")
    page = html.unescape(response.text)
    assert response.status_code == 409
    assert 'data-testid="directory-table"' in page  # the search page, not another one
    assert 'data-testid="audience-error">Une audience porte déjà ce nom.' in page
    assert 'value="Astreinte" aria-invalid="true"' in page
    if kind == "list":
        assert f'value="{anne.id}" aria-label="Choisir {anne.full_name}" checked' in page
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Audience))
    assert count == 1


def _upload(client, content: bytes, name: str):
    token = csrf_token(client, "/annuaire/import/")
    return client.post("/annuaire/import/csv", data={"csv_file": (io.BytesIO(content), name), "csrf_token": token},
                       content_type="multipart/form-data", follow_redirects=True)


def _rpps() -> str:
    import random

    from crisis_app.core.demo import fake

    while True:
        number = fake.rpps(random.Random())
        if db.session.scalar(sa.select(Professional.id).where(Professional.rpps == number)) is None:
            return number
