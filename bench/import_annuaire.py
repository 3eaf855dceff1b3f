"""Benchmark of the Annuaire Santé import: throughput against a plain split of the same file, and flat memory.

    .venv/bin/python bench/import_annuaire.py [--lines 1000000] [--share 0.015]

Generates a synthetic 56-column extraction (fictional people: demo.fake names, RPPS tied to nobody,
ARCEP fiction phone ranges), ``--share`` of its lines in the CPTS's département (31), the rest elsewhere.
Imports it into a fresh SQLite database in a temporary directory and prints:

* the baseline: ``for line in file: line.split("|")`` over the same file, in the same process;
* the import's lines/s and its ratio to the baseline;
* memory: ru_maxrss, and, in a second run under tracemalloc, the traced memory after the first batch
  past 100k lines and after the last batch (flat when the two are close), with the peak.

The last line is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stdnum import luhn  # noqa: E402

from crisis_app.core.demo import fake  # noqa: E402
from tests.directory.annuaire_samples import ELSEWHERE, HEADER_56, header  # noqa: E402

OTHER_DEPARTEMENTS = [("13055", "Marseille", "13001"), ("44109", "Nantes", "44000"), ("59350", "Lille", "59000"),
                      ("67482", "Strasbourg", "67000"), ("06088", "Nice", "06000"), ("2B033", "Bastia", "20200"),
                      ("97105", "Basse-Terre", "97100"), *ELSEWHERE]
POSITION = {name: i for i, name in enumerate(HEADER_56)}


def generate(path: Path, lines: int, share: float, seed: int = 31) -> dict[str, int]:
    """Write the synthetic extraction; returns how many lines are in the territory."""
    rng = random.Random(seed)
    template = [""] * len(HEADER_56)
    for name, value in {"Type d'identifiant PP": "8", "Code pays (coord. structure)": "99000",
                        "Libellé pays (coord. structure)": "France", "Code mode exercice": "L",
                        "Libellé mode exercice": "Libéral", "Code rôle": "FON-01", "Libellé rôle": "Titulaire",
                        "Code secteur d'activité": "SA07", "Libellé secteur d'activité": "Cabinet individuel",
                        "Libellé type de voie (coord. structure)": "Rue", "Autorité d'enregistrement": "CNOM/CNOM/CNOM",
                        "Code catégorie professionnelle": "C", "Libellé catégorie professionnelle": "Civil"}.items():
        template[POSITION[name]] = value
    at = {key: POSITION[name] for key, name in {
        "id": "Identifiant PP", "national": "Identification nationale PP", "last": "Nom d'exercice",
        "first": "Prénom d'exercice", "code": "Code profession", "profession": "Libellé profession",
        "site": "Raison sociale site", "street": "Libellé Voie (coord. structure)",
        "number": "Numéro Voie (coord. structure)", "postal": "Code postal (coord. structure)",
        "commune": "Code commune (coord. structure)", "town": "Libellé commune (coord. structure)",
        "phone": "Téléphone (coord. structure)", "email": "Adresse e-mail (coord. structure)",
        "dep": "Code Département (structure)", "siret": "Numéro SIRET site"}.items()}
    inside = duplicates = 0
    previous: list[str] | None = None
    with open(path, "w", encoding="utf-8") as out:
        out.write("|".join(header(56)) + "|\n")
        for n in range(lines):
            local = rng.random() < share
            if local and previous is not None and rng.random() < 0.05:
                fields = list(previous)  # the same person at a second site: one professional, first line wins
                fields[at["site"]] = "Centre de santé municipal"
                duplicates += 1
            else:
                fields = list(template)
                body = f"10{n:08d}"
                rpps = body + luhn.calc_check_digit(body)
                first, last = rng.choice(fake.FIRST_NAMES), rng.choice(fake.LAST_NAMES)
                code, profession, _ = fake.PROFESSIONS[n % len(fake.PROFESSIONS)]
                insee, town, postal = rng.choice(fake.COMMUNES if local else OTHER_DEPARTEMENTS)
                fields[at["id"]], fields[at["national"]] = rpps, "8" + rpps
                fields[at["last"]], fields[at["first"]] = last.upper(), first
                fields[at["code"]], fields[at["profession"]] = code, profession
                fields[at["site"]], fields[at["street"]] = f"Cabinet {last}", "de la République"
                fields[at["number"]], fields[at["siret"]] = str(n % 200 + 1), f"{n:014d}"
                fields[at["postal"]], fields[at["commune"]], fields[at["town"]] = postal, insee, town
                fields[at["dep"]] = insee[:2]
                fields[at["phone"]] = f"0199{n % 1000000:06d}"
                fields[at["email"]] = f"cabinet.{n}@example.org" if n % 3 else ""
            if local:
                inside += 1
                previous = fields
            out.write("|".join(fields) + "|\n")
    return {"inside": inside, "duplicates": duplicates}


def baseline(path: Path) -> float:
    """Seconds for the plainest pass: iterate the file, split each line."""
    start = time.perf_counter()
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            line.split("|")
    return time.perf_counter() - start


def make_app(folder: Path):
    os.environ.update({"VIGIE_ENV": "test", "VIGIE_INSTANCE_DIR": str(folder)})
    from flask_migrate import upgrade

    from crisis_app import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite'}"})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
    return app


def clear_directory() -> None:
    from crisis_app.core.db import db
    from crisis_app.core.models import AuditEvent
    from crisis_app.directory.professionals.models import Professional

    db.session.execute(Professional.__table__.delete())
    db.session.execute(AuditEvent.__table__.delete())
    db.session.commit()


def run_import(path: Path, on_batch=None):
    from crisis_app.directory.imports.annuaire import import_annuaire
    from crisis_app.directory.imports.territory import parse_territory

    territory = parse_territory(["31"], [])
    start = time.perf_counter()
    report = import_annuaire(path=path, territory=territory, on_batch=on_batch)
    return report, time.perf_counter() - start


def traced_import(path: Path) -> dict:
    """Import again under tracemalloc, sampling the traced memory after each batch."""
    samples: list[tuple[int, int, int]] = []

    def sample(report):
        samples.append((report.lines_read, *tracemalloc.get_traced_memory()))

    tracemalloc.start()
    tracemalloc.reset_peak()
    report, seconds = run_import(path, on_batch=sample)
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    early = next((s for s in samples if s[0] >= 100_000), samples[0])
    last = samples[-1]
    return {"traced_seconds": round(seconds, 2), "tracemalloc_peak_mib": round(peak / 2**20, 2),
            "early_batch_lines": early[0], "early_batch_current_mib": round(early[1] / 2**20, 2),
            "early_batch_peak_mib": round(early[2] / 2**20, 2), "last_batch_lines": last[0],
            "last_batch_current_mib": round(last[1] / 2**20, 2), "last_batch_peak_mib": round(last[2] / 2**20, 2),
            "after_import_current_mib": round(current / 2**20, 2), "created_traced": report.created}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--share", type=float, default=0.015, help="part des lignes dans le département 31")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="vigie-bench-") as tmp:
        folder = Path(tmp)
        path = folder / "PS_LibreAcces_Personne_activite_bench.txt"
        start = time.perf_counter()
        generated = generate(path, args.lines, args.share)
        print(f"fichier : {args.lines} lignes, {path.stat().st_size / 2**20:.0f} Mio, {generated['inside']} dans le 31 "
              f"(dont {generated['duplicates']} seconds sites), généré en {time.perf_counter() - start:.1f} s")
        base = min(baseline(path), baseline(path))
        print(f"référence (split) : {base:.2f} s, {args.lines / base:,.0f} lignes/s")
        app = make_app(folder)
        with app.app_context():
            report, seconds = run_import(path)
            maxrss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"import : {seconds:.2f} s, {report.lines_read / seconds:,.0f} lignes/s, "
                  f"{seconds / base:.2f} × la référence — {report.summary()}")
            clear_directory()
            memory = traced_import(path)
        print(f"mémoire : ru_maxrss {maxrss_mib:.0f} Mio ; tracemalloc pic {memory['tracemalloc_peak_mib']} Mio ; "
              f"après {memory['early_batch_lines']} lignes {memory['early_batch_current_mib']} Mio, "
              f"après {memory['last_batch_lines']} lignes {memory['last_batch_current_mib']} Mio "
              f"(ce qui croît est l'ensemble des identifiants déjà vus : "
              f"{generated['inside'] - generated['duplicates']} personnes du territoire, pas le fichier)")
        figures = {"lines": args.lines, "inside": generated["inside"],
                   "territory_people": generated["inside"] - generated["duplicates"], **report.figures(),
                   "import_seconds": round(seconds, 2), "lines_per_second": round(report.lines_read / seconds),
                   "baseline_seconds": round(base, 2), "baseline_lines_per_second": round(args.lines / base),
                   "ratio_import_to_baseline": round(seconds / base, 2), "ru_maxrss_mib": round(maxrss_mib, 1),
                   **memory}
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
