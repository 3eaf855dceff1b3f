"""A saved filter's criteria in words, for the people who read them (labels, never codes)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from crisis_app.core.db import db
from crisis_app.core.labels import labels
from crisis_app.directory.professionals.models import (
    Channel,
    CrisisRole,
    Membership,
    Professional,
    StructureType,
)
from crisis_app.directory.validation import PROFESSIONS

CRITERIA_LABELS = {"q": "Recherche", "profession_code": "Profession", "commune_code": "Commune", "tag": "Compétence",
                   "crisis_role": "Rôle de crise", "structure_type": "Structure", "membership": "Adhésion",
                   "consent": "Joignable par"}


def describe_criteria(criteria: Mapping[str, Any]) -> list[str]:
    """["Profession : Infirmier", "Commune : Toulouse", …] for a saved filter, in the search form's order."""
    communes = dict(db.session.execute(sa.select(Professional.commune_code, Professional.commune_name).distinct()
                                       .where(Professional.commune_code.in_(criteria.get("commune_code") or []))).all())
    value_labels = {"profession_code": PROFESSIONS, "commune_code": communes, "structure_type": labels(StructureType),
                    "crisis_role": {**labels(CrisisRole), CrisisRole.NONE.value: "sans rôle"},
                    "membership": labels(Membership), "consent": labels(Channel)}
    lines = []
    for key, label in CRITERIA_LABELS.items():
        values = criteria.get(key)
        if values:
            names = value_labels.get(key, {})
            values = [values] if isinstance(values, str) else values
            lines.append(f"{label} : {', '.join(str(names.get(v) or v) for v in values)}")
    if criteria.get("to_confirm"):
        lines.append("Fiches à confirmer seulement")
    return lines
