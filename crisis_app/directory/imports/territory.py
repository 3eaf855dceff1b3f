"""The CPTS's territory an import keeps: départements and communes, and the quick test of a raw line."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from crisis_app.core.errors import ServiceError
from crisis_app.directory.validation import normalize_commune_code

_DEPARTEMENT = re.compile(r"^(0[1-9]|[1-9]\d|2A|2B|97[1-8]|98[4-9])$")


def departement_of(commune_code: str, postal_code: str = "") -> str:
    """The département of a commune code, else of a postal code (2 characters, 3 for overseas)."""
    code = commune_code or postal_code
    if code[:2] in ("97", "98"):
        return code[:3]
    if not commune_code and code[:2] == "20":  # Corsica's postal codes: 200xx-201xx south, the rest north
        return "2A" if code < "20200" else "2B"
    return code[:2]


@dataclass(frozen=True)
class Territory:
    departements: frozenset[str] = frozenset()
    communes: frozenset[str] = frozenset()

    def keeps(self, commune_code: str, postal_code: str) -> bool:
        if commune_code in self.communes:
            return True
        return bool(self.departements) and departement_of(commune_code, postal_code) in self.departements

    def quick_filter(self) -> re.Pattern:
        """A pattern every kept line contains (``|`` then a code's start): lines without it need no split."""
        starts = {*self.departements, *self.communes}
        if starts & {"2A", "2B"}:
            starts.add("20")  # Corsica's postal codes, for lines without a commune code
        return re.compile("|".join(re.escape("|" + s) for s in sorted(starts)))

    def describe(self) -> str:
        parts = [f"département(s) {', '.join(sorted(self.departements))}" if self.departements else "",
                 f"commune(s) {', '.join(sorted(self.communes))}" if self.communes else ""]
        return " et ".join(p for p in parts if p)


def parse_territory(departements: Iterable[str], communes: Iterable[str]) -> Territory:
    """The territory to keep; each code may hold several separated by commas or spaces."""
    deps, towns = set(), set()
    for code in _split_codes(departements):
        code = code.upper().zfill(2)
        if not _DEPARTEMENT.match(code):
            raise ServiceError("validation_error", f"Département « {code} » invalide : 2 chiffres (31), 2A/2B ou "
                               "3 chiffres outre-mer (974).", field="departements", status=400)
        deps.add(code)
    for code in _split_codes(communes):
        try:
            towns.add(normalize_commune_code(code))
        except ValueError as exc:
            raise ServiceError("validation_error", f"Commune « {code} » : {exc}", field="communes",
                               status=400) from None
    if not deps and not towns:
        raise ServiceError("validation_error", "Indiquez au moins un département ou une commune du territoire "
                           "de la CPTS : le fichier national couvre toute la France.", field="departements",
                           status=400)
    return Territory(frozenset(deps), frozenset(towns))


def _split_codes(values: Iterable[str]) -> list[str]:
    return [c for v in values for c in re.split(r"[\s,;]+", v or "") if c]
