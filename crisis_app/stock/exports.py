"""CSV exports of the stock and of the ledger: `;`-separated, French headers, UTF-8 with a BOM for Excel."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crisis_app.core.csvexport import to_text
from crisis_app.core.timez import paris_datetime
from crisis_app.stock import query

STOCK_HEADERS = ["Lieu", "Article", "Catégorie", "Unité", "Numéro de lot", "Date de péremption", "Quantité"]
MOVEMENT_HEADERS = ["Date", "Type", "Article", "Unité", "Lieu", "Numéro de lot", "Date de péremption",
                    "Variation", "Quantité après", "Professionnel", "Structure", "Crise", "Motif ou remarque",
                    "Auteur"]
EXPORT_LIMIT = 100_000


_csv = to_text  # the one formula-safe writer of every export


def _day(value) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def stock_csv() -> str:
    """What is where: one line per lot holding something."""
    return _csv(STOCK_HEADERS, ([lot.location.name, lot.item.name, lot.item.category.label, lot.item.unit,
                                 lot.lot_number, _day(lot.expires_on), lot.quantity] for lot in query.lots()))


def movements_csv(filters: Mapping[str, Any]) -> str:
    """The ledger, filtered as on the movements page, newest first."""
    rows, _ = query.movements(filters, limit=EXPORT_LIMIT)
    names = query.recipients_of(rows)
    crises = {c.id: c.title for c in query.crises()}
    return _csv(MOVEMENT_HEADERS, ([
        paris_datetime(m.at), m.kind.label, m.item.name, m.item.unit, m.location.name,
        m.lot.lot_number, _day(m.lot.expires_on), m.delta, m.quantity_after, names.get(m.professional_id),
        m.structure, crises.get(m.crisis_id), m.reason, m.actor_label] for m in rows))
