"""The directory's CSV: Excel-friendly export, import by RPPS/ADELI with the import rules, lossless round trip."""

from __future__ import annotations

import csv
import io

import pytest
import sqlalchemy as sa
from stdnum import luhn

from crisis_app.core.db import db
from crisis_app.core.errors import ServiceError
from crisis_app.core.models import AuditEvent
from crisis_app.directory.imports import csv_io
from crisis_app.directory.professionals import services as directory_services
from crisis_app.directory.professionals.models import Professional
from crisis_app.directory.professionals.services import snapshot
from tests import factories


def _export(tmp_path, criteria=None):
    path = tmp_path / "annuaire.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        csv_io.export_directory(actor=None, criteria=criteria or {}, handle=handle)
    return path


def _rows(path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


def _write(path, rows: list[dict[str, str]]):
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), delimiter=";")
        writer.writeheader()
        writer.writerows(rows)
    return path


def _everyone() -> dict[int, dict]:
    people = db.session.scalars(sa.select(Professional)).all()
    return {p.id: {**snapshot(p), "mobile_phone_source": p.mobile_phone_source, "email_source": p.email_source}
            for p in people}


@pytest.fixture
def directory(db_session):
    """A varied directory: tags, a crisis role, a structure type, a foreign landline, an inactive entry."""
    alice = factories.professional(tags=["vaccination", "soins palliatifs"], crisis_role="referent",
                                   structure_type="msp", structure_name="MSP du Canal", specialty="Pédiatrie",
                                   structure_phone="+3225550101", civility="Dr", commune_code="31555",
                                   commune_name="Toulouse")
    bruno = factories.professional(last_name="=HYPERLINK(\"x\")", membership="partner", mobile_phone="",
                                   commune_code="31555", commune_name="Toulouse")
    inactive = factories.professional(commune_code="31069", commune_name="Blagnac")
    directory_services.set_active(actor=None, professional=inactive, active=False)
    return [alice, bruno, inactive]


def test_export_is_excel_csv_with_french_headers_and_joined_tags(directory, tmp_path):
    path = _export(tmp_path, {"include_inactive": True})
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.splitlines()[0].decode("utf-8-sig").startswith("RPPS;ADELI;Civilité;Nom;Prénom;Code profession")
    rows = {r["RPPS"]: r for r in _rows(path)}
    alice = rows[directory[0].rpps]
    assert alice["Étiquettes"] == "soins palliatifs,vaccination"
    assert alice["Rôle de crise"] == "Référent crise sanitaire"
    assert alice["Type de structure"] == "Maison de santé (MSP)"
    assert alice["Téléphone mobile"].startswith("06 39 98") and alice["Téléphone de la structure"] == "'+32 2 555 01 01"
    assert rows[directory[1].rpps]["Nom"] == "'=HYPERLINK(\"x\")"  # Excel will not run it as a formula
    assert rows[directory[2].rpps]["Fiche active"] == "non"


def test_export_follows_the_directory_filters(directory, tmp_path):
    rows = _rows(_export(tmp_path))
    assert directory[2].rpps not in {r["RPPS"] for r in rows}  # inactive left out by default
    rows = _rows(_export(tmp_path, {"commune_code": ["31069"], "include_inactive": True}))
    assert [r["RPPS"] for r in rows] == [directory[2].rpps]


def test_export_is_audited(directory, tmp_path):
    _export(tmp_path)
    row = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "directory.export"))
    assert row.summary == "Export complet de l'annuaire (mobiles et e-mails compris) : 2 fiche(s)"


def test_a_round_trip_export_then_import_changes_nothing(directory, tmp_path):
    before = _everyone()
    report = csv_io.import_csv(path=_export(tmp_path, {"include_inactive": True}))
    assert report.figures() == {"lines_read": 3, "created": 0, "updated": 0, "unchanged": 3, "rejected": 0,
                                "skipped": 0}
    assert _everyone() == before


def test_import_creates_and_updates_by_rpps_with_an_audit_row_each(directory, tmp_path):
    rows = _rows(_export(tmp_path))
    next(r for r in rows if r["RPPS"] == directory[0].rpps)["Étiquettes"] = "vaccination"
    newcomer = factories.professional()
    new_row = csv_io.row_of(newcomer)
    db.session.delete(newcomer)
    db.session.commit()
    rows.append(dict(zip([c.label for c in csv_io.CSV_COLUMNS], new_row, strict=True)))
    report = csv_io.import_csv(path=_write(tmp_path / "modifie.csv", rows))
    assert (report.created, report.updated, report.unchanged) == (1, 1, 1)
    assert db.session.get(Professional, directory[0].id).skill_list == ["vaccination"]
    actions = db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.action.like("%import%"))).all()
    assert sorted(actions) == ["directory.import", "professional.import_create", "professional.import_update"]


def test_csv_import_keeps_a_hand_typed_email_and_fills_an_empty_mobile(directory, tmp_path):
    rows = _rows(_export(tmp_path))
    by_rpps = {r["RPPS"]: r for r in rows}
    by_rpps[directory[0].rpps]["E-mail"] = "autre@example.org"
    by_rpps[directory[1].rpps]["Téléphone mobile"] = "06 39 98 12 34"
    csv_io.import_csv(path=_write(tmp_path / "modifie.csv", rows))
    assert db.session.get(Professional, directory[0].id).email == directory[0].email
    bruno = db.session.get(Professional, directory[1].id)
    assert (bruno.mobile_phone, bruno.mobile_phone_source) == ("+33639981234", "csv")


def test_a_bad_csv_row_is_rejected_with_its_line_number(directory, tmp_path):
    rows = _rows(_export(tmp_path))
    rows[1]["E-mail"] = "pas-une-adresse"
    rows[0]["Type de structure"] = "Hôpital de jour"  # rows[0] is line 2: line 1 is the header
    report = csv_io.import_csv(path=_write(tmp_path / "modifie.csv", rows))
    reasons = {r.line: r.reason for r in report.rejected}
    assert reasons == {3: "E-mail : Adresse e-mail invalide.",
                       2: "Type de structure : « Hôpital de jour » inconnu ; valeurs possibles : Cabinet, "
                          "Maison de santé (MSP), Centre de santé, Officine, EHPAD, SSIAD, Établissement, Autre."}


def test_excel_s_lost_leading_zeros_are_put_back(db_session, tmp_path):
    adeli = "01600000" + luhn.calc_check_digit("01600000")
    rows = [{"RPPS": "", "ADELI": adeli.lstrip("0"), "Nom": "Martin", "Prénom": "Léa", "Code profession": "60",
             "Profession": "Infirmier", "Code postal": "1000", "Code commune": "1053"}]
    report = csv_io.import_csv(path=_write(tmp_path / "excel.csv", rows))
    assert report.created == 1, report.rejected
    professional = db.session.scalar(sa.select(Professional).where(Professional.adeli == adeli))
    assert (professional.postal_code, professional.commune_code) == ("01000", "01053")


def test_a_csv_import_dry_run_writes_nothing(directory, tmp_path):
    rows = _rows(_export(tmp_path))
    rows[0]["Nom"] = "Nouveau-Nom"
    before, audits = _everyone(), db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    report = csv_io.import_csv(path=_write(tmp_path / "modifie.csv", rows), dry_run=True)
    assert report.updated == 1 and report.updated_sample[0]["changes"]["last_name"][1] == "Nouveau-Nom"
    assert _everyone() == before
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == audits


def test_a_csv_without_identifier_column_is_refused(db_session, tmp_path):
    path = _write(tmp_path / "x.csv", [{"Nom": "Martin", "Prénom": "Léa", "Code profession": "60",
                                        "Profession": "Infirmier"}])
    with pytest.raises(ServiceError, match="colonne « RPPS » ou « ADELI »"):
        csv_io.import_csv(path=path)


def test_a_csv_saved_in_latin1_is_refused_before_anything_is_written(db_session, tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("RPPS;Nom;Prénom;Code profession;Profession\r\n".encode("latin-1"))
    with pytest.raises(ServiceError, match="CSV UTF-8"):
        csv_io.import_csv(path=path)


def test_cli_export_then_import_csv(app, directory, tmp_path):
    runner = app.test_cli_runner()
    path = tmp_path / "cli.csv"
    result = runner.invoke(args=["directory", "export-csv", str(path), "--inactifs"])
    assert result.exit_code == 0 and "3 fiche(s) exportée(s)" in result.output
    result = runner.invoke(args=["directory", "import-csv", str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "simulation" in result.output and "Inchangées : 3" in result.output


def test_export_is_readable_by_the_csv_module_as_excel_writes_it(directory, tmp_path):
    text = _export(tmp_path).read_text(encoding="utf-8-sig")
    assert len(list(csv.reader(io.StringIO(text), delimiter=";"))) == 3  # header + 2 active
