"""Who may take the directory out of Vigie, and how much of it.

* The **full export** (every column, mobiles and e-mails, the whole directory or any filter, re-importable) is
  the coordinator's alone (``directory.export``): the coordinator keeps the directory and answers for it; a file
  of every mobile is what a leak would cost most, and the crisis team reaches people through Vigie's alerts.
* The **mobilisation list** (``directory.export_list``: coordinator, référent, cellule) is what the cellule needs
  when it must phone people itself (SMS gateway down, a person to call back): the people of a filter, at most
  ``MOBILISATION_LIMIT``, with name, profession, commune, crisis role and structure, and a mobile only for those
  whose consent to SMS alerts is in force (they agreed to be contacted by the CPTS for this) — no e-mail,
  no RPPS/ADELI. More people than that is a full export: ask the coordinator.

Every export, of either kind, writes an audit row: who, when, which filter, how many people.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from crisis_app.core import audit
from crisis_app.core.db import db
from crisis_app.core.errors import ServiceError
from crisis_app.core.models import User
from crisis_app.directory.professionals.models import CrisisRole, Professional
from crisis_app.directory.professionals.query import filter_statement
from crisis_app.directory.validation import format_phone_for_display

MOBILISATION_LIMIT = 300
MOBILISATION_HEADER = ("Nom", "Prénom", "Profession", "Commune", "Rôle de crise", "Structure",
                       "Mobile (consentement SMS en vigueur)")


def _count(criteria: Mapping[str, Any]) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(filter_statement(criteria).subquery())) or 0


def mobilisation_list(*, actor: User, criteria: Mapping[str, Any]) -> list[list[str]]:
    """The rows of the mobilisation list for ``criteria``; refused beyond the limit; the export is audited."""
    total = _count(criteria)
    if total > MOBILISATION_LIMIT:
        raise ServiceError("too_many", f"La liste de mobilisation compte au plus {MOBILISATION_LIMIT} personnes et ce "
                           f"filtre en désigne {total} : affinez-le (profession, commune, compétence…). L'export "
                           "complet de l'annuaire est réservé au coordinateur.", status=400)
    stmt = (filter_statement(criteria).options(selectinload(Professional.consents))
            .order_by(Professional.last_name, Professional.first_name, Professional.id))
    rows = [_row(p) for p in db.session.scalars(stmt)]
    with_mobile = sum(1 for r in rows if r[-1])
    audit.record(actor=actor, action="directory.export_list", object_type="directory",
                 summary=f"Liste de mobilisation exportée : {len(rows)} personne(s), dont {with_mobile} avec mobile",
                 changes={"criteria": [None, dict(criteria)], "people": [None, len(rows)],
                          "mobiles": [None, with_mobile]})
    return rows


def _row(p: Professional) -> list[str]:
    role = p.crisis_role.label if p.crisis_role is not CrisisRole.NONE else ""
    mobile = format_phone_for_display(p.mobile_phone) if p.reachable_on("sms") else ""
    return [p.last_name, p.first_name, p.profession, p.commune_name or "", role, p.structure_name or "", mobile]
