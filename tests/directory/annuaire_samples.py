"""Synthetic Annuaire Santé extractions for the tests: fictional people, real column names.

The people come from ``crisis_app.core.demo.fake`` (valid RPPS keys tied to nobody, ARCEP fiction phone
ranges, example.org addresses). The header follows the public extraction; the 56-column version adds
four columns in the middle and some spellings vary, so a reader that counts positions would fail.
"""

from __future__ import annotations

import random
from pathlib import Path

from stdnum import luhn

from crisis_app.core.demo import fake

HEADER_52 = [
    "Type d'identifiant PP", "Identifiant PP", "Identification nationale PP", "Code civilité d'exercice",
    "Libellé civilité d'exercice", "Code civilité", "Libellé civilité", "Nom d'exercice", "Prénom d'exercice",
    "Code profession", "Libellé profession", "Code catégorie professionnelle", "Libellé catégorie professionnelle",
    "Code type savoir-faire", "Libellé type savoir-faire", "Code savoir-faire", "Libellé savoir-faire",
    "Code mode exercice", "Libellé mode exercice", "Numéro SIRET site", "Numéro SIREN site", "Numéro FINESS site",
    "Numéro FINESS établissement juridique", "Identifiant technique de la structure", "Raison sociale site",
    "Enseigne commerciale site", "Complément destinataire (coord. structure)",
    "Complément point géographique (coord. structure)", "Numéro Voie (coord. structure)",
    "Indice répétition voie (coord. structure)", "Code type de voie (coord. structure)",
    "Libellé type de voie (coord. structure)", "Libellé Voie (coord. structure)",
    "Mention distribution (coord. structure)", "Bureau cedex (coord. structure)", "Code postal (coord. structure)",
    "Code commune (coord. structure)", "Libellé commune (coord. structure)", "Code pays (coord. structure)",
    "Libellé pays (coord. structure)", "Téléphone (coord. structure)", "Téléphone 2 (coord. structure)",
    "Télécopie (coord. structure)", "Adresse e-mail (coord. structure)", "Code Département (structure)",
    "Libellé Département (structure)", "Ancien identifiant de la structure", "Autorité d'enregistrement",
    "Code secteur d'activité", "Libellé secteur d'activité", "Code section tableau pharmaciens",
    "Libellé section tableau pharmaciens",
]
EXTRA_56 = ["Code rôle", "Libellé rôle", "Code genre activité", "Libellé genre activité"]
# The 56-column version: extra columns inserted before the site's identifiers, other spellings.
HEADER_56 = HEADER_52[:19] + EXTRA_56 + HEADER_52[19:]
SPELLINGS_56 = {
    "Code commune (coord. structure)": "Code commune (coord.structure)",
    "Libellé savoir-faire": "Libelle savoir faire",
    "Adresse e-mail (coord. structure)": "Adresse e-mail (coord structure)",
    "Libellé mode exercice": "LIBELLÉ MODE EXERCICE",
    "Téléphone (coord. structure)": "Téléphone (coord. structure) ",
}
assert len(HEADER_52) == 52 and len(HEADER_56) == 56

# Communes of the test CPTS are fake.COMMUNES (Haute-Garonne, 31); these are elsewhere.
ELSEWHERE = [("75056", "Paris", "75001"), ("69123", "Lyon", "69001"), ("33063", "Bordeaux", "33000"),
             ("82121", "Montauban", "82000"), ("97411", "Saint-Denis", "97400"), ("2A004", "Ajaccio", "20000")]


def header(columns: int = 56) -> list[str]:
    if columns == 52:
        return list(HEADER_52)
    return [SPELLINGS_56.get(name, name) for name in HEADER_56]


def adeli(rng: random.Random, departement: str = "31") -> str:
    body = departement + "6" + "".join(str(rng.randrange(10)) for _ in range(5))
    return body + luhn.calc_check_digit(body)


def person_line(rng: random.Random, index: int, *, commune: tuple[str, str, str] | None = None,
                **overrides: str) -> dict[str, str]:
    """One activity line of a fictional professional, keyed by the canonical (52-column) names."""
    p = fake.person(rng, index)
    insee, name, postal = commune or rng.choice(fake.COMMUNES)
    line = {
        "Type d'identifiant PP": "8", "Identifiant PP": p.rpps, "Identification nationale PP": "8" + p.rpps,
        "Code civilité d'exercice": "DR" if p.profession_code == "10" else "",
        "Libellé civilité d'exercice": "Docteur" if p.profession_code == "10" else "",
        "Code civilité": rng.choice(["M", "MME"]), "Nom d'exercice": p.last_name.upper(),
        "Prénom d'exercice": p.first_name, "Code profession": p.profession_code, "Libellé profession": p.profession,
        "Libellé savoir-faire": "Médecine générale" if p.profession_code == "10" else "",
        "Libellé mode exercice": rng.choice(["Libéral", "Salarié"]),
        "Raison sociale site": f"Cabinet {p.last_name}", "Code postal (coord. structure)": postal,
        "Code commune (coord. structure)": insee, "Libellé commune (coord. structure)": name,
        "Code Département (structure)": insee[:2],
        "Téléphone (coord. structure)": f"0199{rng.randrange(1000000):06d}",
        "Adresse e-mail (coord. structure)": p.email, "Code pays (coord. structure)": "99000",
        "Libellé pays (coord. structure)": "France", "Code rôle": "FON-01", "Libellé rôle": "Titulaire",
    }
    line.update(overrides)
    return line


def render(lines: list[dict[str, str]], columns: int = 56) -> str:
    """The file's text: header and lines in the version's column order, each ending in ``|``."""
    names = header(columns)
    canonical = HEADER_52 if columns == 52 else HEADER_56
    out = ["|".join(names) + "|"]
    for line in lines:
        out.append("|".join(line.get(name, "") for name in canonical) + "|")
    return "\n".join(out) + "\n"


def write(path: Path, lines: list[dict[str, str]], columns: int = 56) -> Path:
    path.write_text(render(lines, columns), encoding="utf-8")
    return path


def territory_and_elsewhere(seed: int = 1, inside: int = 6, outside: int = 4) -> list[dict[str, str]]:
    """``inside`` lines in Haute-Garonne's CPTS communes, then ``outside`` lines elsewhere in France."""
    rng = random.Random(seed)
    lines = [person_line(rng, i) for i in range(inside)]
    lines += [person_line(rng, inside + i, commune=ELSEWHERE[i % len(ELSEWHERE)]) for i in range(outside)]
    return lines
