"""Import of the Annuaire Santé extraction: by header name, territory only, idempotent, safe for hand-typed data."""

from __future__ import annotations

import random

import pytest
import sqlalchemy as sa

from crisis_app.core.db import db
from crisis_app.core.errors import ServiceError
from crisis_app.core.models import AuditEvent
from crisis_app.directory.imports import annuaire as importer
from crisis_app.directory.imports.columns import normalize_header
from crisis_app.directory.imports.territory import Territory, departement_of, parse_territory
from crisis_app.directory.professionals.models import Professional
from tests import factories
from tests.directory import annuaire_samples as samples

HAUTE_GARONNE = Territory(departements=frozenset({"31"}))


def _count(model=Professional, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where)) or 0


def _by_rpps(rpps: str) -> Professional | None:
    return db.session.scalar(sa.select(Professional).where(Professional.rpps == rpps))


def _import(tmp_path, lines, *, columns=56, territory=HAUTE_GARONNE, **kwargs):
    path = samples.write(tmp_path / "PS_LibreAcces_Personne_activite_202501010000.txt", lines, columns)
    return importer.import_annuaire(path=path, territory=territory, **kwargs)


def _bad_key(rpps: str) -> str:
    return rpps[:-1] + str((int(rpps[-1]) + 1) % 10)


@pytest.mark.parametrize("columns", [52, 56])
def test_both_column_versions_are_read_by_header_name(db_session, tmp_path, columns):
    lines = samples.territory_and_elsewhere(inside=6, outside=4)
    report = _import(tmp_path, lines, columns=columns)
    assert report.figures() == {"lines_read": 10, "created": 6, "updated": 0, "unchanged": 0, "rejected": 0,
                                "skipped": 4}
    first = lines[0]
    professional = _by_rpps(first["Identifiant PP"])
    assert professional.last_name == first["Nom d'exercice"]
    assert professional.first_name == first["Prénom d'exercice"]
    assert professional.profession_code == first["Code profession"]
    assert professional.commune_code == first["Code commune (coord. structure)"]
    assert professional.practice_mode == first["Libellé mode exercice"]
    assert professional.email == first["Adresse e-mail (coord. structure)"] and professional.email_source == "annuaire"


def test_header_names_match_without_case_accents_spaces_or_punctuation():
    assert normalize_header("Code commune (coord.structure)") == normalize_header("Code commune (coord. structure)")
    assert normalize_header("\ufeffLIBELLÉ savoir faire ") == normalize_header("Libellé savoir-faire")
    assert normalize_header("Code profession") != normalize_header("Libellé profession")


def test_structure_phone_goes_to_structure_phone_never_to_mobile(db_session, tmp_path):
    line = samples.person_line(random.Random(3), 1, **{"Téléphone (coord. structure)": "01 99 00 12 34"})
    _import(tmp_path, [line])
    professional = _by_rpps(line["Identifiant PP"])
    assert professional.structure_phone == "+33199001234"
    assert professional.mobile_phone is None


def test_civility_is_mapped_to_the_directory_s_titles(db_session, tmp_path):
    rng = random.Random(4)
    doctor = samples.person_line(rng, 1, **{"Code civilité d'exercice": "DR", "Code profession": "10"})
    nurse = samples.person_line(rng, 2, **{"Code civilité d'exercice": "", "Libellé civilité d'exercice": "",
                                           "Code civilité": "MME", "Code profession": "60"})
    _import(tmp_path, [doctor, nurse])
    assert _by_rpps(doctor["Identifiant PP"]).civility == "Dr"
    assert _by_rpps(nurse["Identifiant PP"]).civility == "Mme"


def test_an_adeli_line_is_stored_as_adeli(db_session, tmp_path):
    number = samples.adeli(random.Random(5))
    line = samples.person_line(random.Random(5), 1, **{"Type d'identifiant PP": "0", "Identifiant PP": number,
                                                       "Identification nationale PP": "0" + number})
    report = _import(tmp_path, [line])
    assert report.created == 1
    assert db.session.scalar(sa.select(Professional).where(Professional.adeli == number)).rpps is None


def test_without_the_type_column_the_national_id_tells_rpps_from_adeli(db_session, tmp_path):
    number = samples.adeli(random.Random(6))
    line = samples.person_line(random.Random(6), 1, **{"Identifiant PP": number,
                                                       "Identification nationale PP": "0" + number})
    text = samples.render([line], 52).replace("Type d'identifiant PP|", "Autre colonne|")
    path = tmp_path / "old.txt"
    path.write_text(text, encoding="utf-8")
    report = importer.import_annuaire(path=path, territory=HAUTE_GARONNE)
    assert report.created == 1 and _count(Professional, Professional.adeli == number) == 1


def test_a_missing_required_column_refuses_the_file_in_french(db_session, tmp_path):
    text = samples.render(samples.territory_and_elsewhere()).replace("Nom d'exercice|", "Nom|", 1)
    path = tmp_path / "broken.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ServiceError) as error:
        importer.import_annuaire(path=path, territory=HAUTE_GARONNE)
    assert "colonne(s) obligatoire(s) absente(s) : « Nom d'exercice »" in error.value.message
    assert _count() == 0


def test_a_file_that_is_not_utf8_is_refused(db_session, tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes(samples.render(samples.territory_and_elsewhere()).encode("latin-1"))
    with pytest.raises(ServiceError, match="UTF-8"):
        importer.import_annuaire(path=path, territory=HAUTE_GARONNE)
    assert _count() == 0


def test_the_territory_keeps_communes_or_departements_and_counts_the_rest(db_session, tmp_path):
    rng = random.Random(7)
    toulouse = samples.person_line(rng, 1, commune=("31555", "Toulouse", "31000"))
    blagnac = samples.person_line(rng, 2, commune=("31069", "Blagnac", "31700"))
    ajaccio = samples.person_line(rng, 3, commune=("2A004", "Ajaccio", "20000"))
    report = _import(tmp_path, [toulouse, blagnac, ajaccio],
                     territory=parse_territory([], ["31555"]))
    assert (report.created, report.skipped) == (1, 2)
    assert _by_rpps(toulouse["Identifiant PP"]) and not _by_rpps(blagnac["Identifiant PP"])
    report = _import(tmp_path, [toulouse, blagnac, ajaccio], territory=parse_territory(["2a"], []))
    assert (report.created, report.skipped) == (1, 2) and _by_rpps(ajaccio["Identifiant PP"])


def test_a_line_with_only_a_postal_code_is_placed_by_it(db_session, tmp_path):
    rng = random.Random(12)
    ajaccio = samples.person_line(rng, 1, **{"Code commune (coord. structure)": "",
                                             "Code postal (coord. structure)": "20090"})
    bastia = samples.person_line(rng, 2, **{"Code commune (coord. structure)": "",
                                            "Code postal (coord. structure)": "20200"})
    report = _import(tmp_path, [ajaccio, bastia], territory=parse_territory(["2A"], []))
    assert (report.created, report.skipped) == (1, 1) and _by_rpps(ajaccio["Identifiant PP"])


def test_columns_in_any_order_are_read_by_name(db_session, tmp_path):
    lines = samples.territory_and_elsewhere(inside=2, outside=2)
    names = samples.header(52)
    order = [names.index("Code commune (coord. structure)")] + [i for i in range(52)
                                                               if names[i] != "Code commune (coord. structure)"]
    rows = [[names[i] for i in order]] + [[line.get(samples.HEADER_52[i], "") for i in order] for line in lines]
    path = tmp_path / "reordered.txt"
    path.write_text("".join("|".join(r) + "|\n" for r in rows), encoding="utf-8")
    report = importer.import_annuaire(path=path, territory=HAUTE_GARONNE)
    assert (report.created, report.skipped) == (2, 2)
    assert _by_rpps(lines[0]["Identifiant PP"]).commune_code == lines[0]["Code commune (coord. structure)"]


@pytest.mark.parametrize(("commune", "postal", "departement"), [
    ("31555", "31000", "31"), ("97411", "97400", "974"), ("2B033", "20200", "2B"), ("", "20000", "2A"),
    ("", "20600", "2B"), ("", "06000", "06"),
])
def test_departement_of_a_commune_or_postal_code(commune, postal, departement):
    assert departement_of(commune, postal) == departement


def test_a_territory_is_required_and_checked(db_session):
    with pytest.raises(ServiceError, match="au moins un département"):
        parse_territory([], [])
    with pytest.raises(ServiceError, match="Département « 3100 » invalide"):
        parse_territory(["3100"], [])
    assert parse_territory(["31, 82", "974"], ["31555"]) == Territory(frozenset({"31", "82", "974"}),
                                                                      frozenset({"31555"}))


def test_importing_the_same_file_twice_changes_nothing(db_session, tmp_path):
    lines = samples.territory_and_elsewhere(inside=5, outside=3)
    _import(tmp_path, lines)
    audit_rows = _count(AuditEvent)
    second = _import(tmp_path, lines)
    assert (second.created, second.updated, second.unchanged, second.skipped) == (0, 0, 5, 3)
    assert _count() == 5
    assert _count(AuditEvent) == audit_rows + 1  # only the summary row of the second run


def test_a_hand_typed_email_is_never_replaced_nor_blanked(db_session, tmp_path):
    rng = random.Random(8)
    line = samples.person_line(rng, 1)
    kept = factories.professional(rpps=line["Identifiant PP"], email="saisi.main@example.org")
    assert kept.email_source == "manual"
    _import(tmp_path, [line])
    assert _by_rpps(line["Identifiant PP"]).email == "saisi.main@example.org"
    _import(tmp_path, [{**line, "Adresse e-mail (coord. structure)": ""}])
    professional = _by_rpps(line["Identifiant PP"])
    assert (professional.email, professional.email_source) == ("saisi.main@example.org", "manual")


def test_an_empty_contact_is_filled_and_one_from_the_annuaire_is_updated(db_session, tmp_path):
    line = samples.person_line(random.Random(9), 1)
    factories.professional(rpps=line["Identifiant PP"], email="")
    report = _import(tmp_path, [line])
    professional = _by_rpps(line["Identifiant PP"])
    assert report.updated == 1
    assert (professional.email, professional.email_source) == (line["Adresse e-mail (coord. structure)"],
                                                                "annuaire")
    _import(tmp_path, [{**line, "Adresse e-mail (coord. structure)": "nouvelle@example.org"}])
    assert _by_rpps(line["Identifiant PP"]).email == "nouvelle@example.org"


def test_an_update_is_audited_with_its_changes(db_session, tmp_path):
    line = samples.person_line(random.Random(10), 1)
    _import(tmp_path, [line])
    report = _import(tmp_path, [{**line, "Raison sociale site": "MSP des Pradettes"}])
    assert report.updated == 1 and report.updated_sample[0]["changes"]["structure_name"][1] == "MSP des Pradettes"
    professional = _by_rpps(line["Identifiant PP"])
    rows = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.object_id == str(professional.id))
                              .order_by(AuditEvent.id)).all()
    assert [r.action for r in rows] == ["professional.import_create", "professional.import_update"]
    assert rows[1].changes == {"structure_name": [line["Raison sociale site"], "MSP des Pradettes"]}


def test_each_run_leaves_one_summary_audit_row_with_the_figures(db_session, tmp_path):
    report = _import(tmp_path, samples.territory_and_elsewhere(inside=3, outside=2))
    summary = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "directory.import"))
    assert summary.changes["created"] == [None, 3] and summary.changes["skipped"] == [None, 2]
    assert _count(AuditEvent, AuditEvent.action == "professional.import_create") == report.created == 3


def test_a_bad_line_is_rejected_with_its_number_while_the_rest_imports(db_session, tmp_path):
    lines = samples.territory_and_elsewhere(inside=6, outside=0)
    lines[1]["Identifiant PP"] = _bad_key(lines[1]["Identifiant PP"])
    lines[3]["Nom d'exercice"] = ""
    lines[4]["Adresse e-mail (coord. structure)"] = "pas-une-adresse"
    report = _import(tmp_path, lines)
    assert report.created == 3 and report.rejected_count == 3
    reasons = {r.line: r.reason for r in report.rejected}
    assert "clé de contrôle" in reasons[3]  # line 1 is the header
    assert "Nom d'exercice manquant" in reasons[5]
    assert reasons[6] == "Adresse e-mail (coord. structure) : Adresse e-mail invalide."
    assert _count() == 3 and _by_rpps(lines[4]["Identifiant PP"]) is None


def test_a_line_shifted_by_a_pipe_in_a_value_is_rejected(db_session, tmp_path):
    lines = samples.territory_and_elsewhere(inside=2, outside=0)
    lines[0]["Raison sociale site"] = "Cabinet A|B"
    report = _import(tmp_path, lines)
    assert report.created == 1 and report.rejected[0].line == 2 and "57 champs au lieu de 56" in \
        report.rejected[0].reason


def test_the_user_fixes_a_rejected_line_and_reimports_without_duplicates(db_session, tmp_path):
    lines = samples.territory_and_elsewhere(inside=4, outside=2)
    good_email = lines[2]["Adresse e-mail (coord. structure)"]
    lines[2]["Adresse e-mail (coord. structure)"] = "faute@@example.org"
    first = _import(tmp_path, lines)
    assert (first.created, first.rejected_count) == (3, 1)
    lines[2]["Adresse e-mail (coord. structure)"] = good_email
    second = _import(tmp_path, lines)
    assert (second.created, second.unchanged, second.rejected_count) == (1, 3, 0)
    assert _count() == 4


def test_several_activity_lines_make_one_professional_and_the_first_wins(db_session, tmp_path):
    line = samples.person_line(random.Random(11), 1)
    second_site = {**line, "Raison sociale site": "Centre de santé", "Code commune (coord. structure)": "31069"}
    report = _import(tmp_path, [line, second_site], batch_size=1)
    assert (report.created, report.unchanged) == (1, 1)
    assert _by_rpps(line["Identifiant PP"]).structure_name == line["Raison sociale site"]


def test_a_dry_run_reports_the_same_figures_and_writes_nothing(db_session, tmp_path):
    lines = samples.territory_and_elsewhere(inside=5, outside=3)
    lines[0]["Identifiant PP"] = _bad_key(lines[0]["Identifiant PP"])
    dry = _import(tmp_path, lines, dry_run=True)
    assert _count() == 0 and _count(AuditEvent) == 0
    real = _import(tmp_path, lines)
    assert dry.figures() == real.figures()
    assert [s["identifier"] for s in dry.created_sample] == [s["identifier"] for s in real.created_sample]


def test_batches_commit_as_they_go_and_report_progress(db_session, tmp_path):
    seen = []
    report = _import(tmp_path, samples.territory_and_elsewhere(inside=7, outside=1), batch_size=3,
                     on_batch=lambda r: seen.append(r.created))
    assert report.created == 7 and seen == [3, 6, 7]


def test_cli_import_annuaire_dry_run_then_real(app, db_session, tmp_path):
    path = samples.write(tmp_path / "annuaire.txt", samples.territory_and_elsewhere(inside=3, outside=2), 52)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["directory", "import-annuaire", str(path), "--departement", "31", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "simulation" in result.output and "Créées : 3" in result.output and "Hors territoire (ignorées) : 2" \
        in result.output
    assert _count() == 0
    result = runner.invoke(args=["directory", "import-annuaire", str(path), "--commune", "31555,31069",
                                 "--departement", "31"])
    assert result.exit_code == 0 and "Créées : 3" in result.output and _count() == 3


def test_the_cli_import_is_one_unit_of_work_a_failure_at_the_end_keeps_nothing(app, db_session, tmp_path,
                                                                                monkeypatch):
    """The lines are written, then the summary audit row (the last step) fails: no entry and no audit row stay."""
    from crisis_app.core import audit

    path = samples.write(tmp_path / "annuaire.txt", samples.territory_and_elsewhere(inside=7, outside=1), 52)
    real_record = audit.record

    def record(**kwargs):
        if kwargs.get("action") == "directory.import":
            raise RuntimeError("disque plein")
        return real_record(**kwargs)

    monkeypatch.setattr(audit, "record", record)
    result = app.test_cli_runner().invoke(args=["directory", "import-annuaire", str(path), "--departement", "31"])
    assert result.exit_code != 0 and isinstance(result.exception, RuntimeError)
    db.session.expire_all()
    assert _count() == 0
    assert _count(AuditEvent, AuditEvent.action.like("professional.import%")) == 0


def test_cli_import_annuaire_refuses_without_territory(app, db_session, tmp_path):
    path = samples.write(tmp_path / "annuaire.txt", samples.territory_and_elsewhere())
    result = app.test_cli_runner().invoke(args=["directory", "import-annuaire", str(path)])
    assert result.exit_code == 1 and "au moins un département ou une commune" in result.output


def test_a_number_saved_meanwhile_refuses_only_its_line_and_the_batch_goes_on(db_session, tmp_path, monkeypatch):
    """Between the batch's lookup and its write someone saved one of its numbers: the batch is retried line by line
    (each in its own savepoint, inside the caller's unit of work), only that line is refused, the rest is kept."""
    from crisis_app.core.db import atomic
    from crisis_app.directory.imports.upsert import BatchUpserter

    lines = samples.territory_and_elsewhere(inside=4, outside=0)
    taken = lines[1]["Identifiant PP"]
    factories.professional(rpps=taken, last_name="Saisie-Concurrente")
    monkeypatch.setattr(BatchUpserter, "_existing", lambda self, items: ({}, {}))  # the lookup saw nobody
    with atomic():
        report = _import(tmp_path, lines)
    assert (report.created, report.rejected_count) == (3, 1)
    assert report.rejected[0].reason.startswith("Ce numéro vient d'être enregistré par une autre saisie")
    db.session.expire_all()
    assert _count() == 4 and _by_rpps(taken).last_name == "Saisie-Concurrente"
    assert _count(AuditEvent, AuditEvent.action == "professional.import_create") == 3
