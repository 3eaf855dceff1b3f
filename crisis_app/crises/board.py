"""The needs and resources board: needs, people available from alert answers, equipment in stock and handed out."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict

from crisis_app.crises import alert_link, needs
from crisis_app.crises.models import Crisis
from crisis_app.stock import query as stock_query
from crisis_app.stock.models import MovementKind

MAX_ROWS = 500


def handed_out(crisis: Crisis) -> tuple[list, dict[str, int]]:
    """Distributions recorded against this crisis (newest first) and the quantity handed out per item."""
    rows, _ = stock_query.movements({"crisis_id": crisis.id, "kind": MovementKind.DISTRIBUTION}, limit=MAX_ROWS)
    names = stock_query.recipients_of(rows)
    totals: dict[str, int] = defaultdict(int)
    lines = []
    for m in rows:
        totals[f"{m.item.name} ({m.item.unit})"] += -m.delta
        lines.append({"at": m.at, "item": m.item.name, "unit": m.item.unit, "quantity": -m.delta,
                      "to": names.get(m.professional_id) or m.structure or "—", "by": m.actor_label})
    return lines, dict(sorted(totals.items()))


def snapshot(crisis: Crisis) -> dict:
    """Everything the board shows."""
    lines, totals = handed_out(crisis)
    return {"needs": needs.needs_of(crisis), "need_counts": needs.counts(crisis),
            "people": alert_link.available_people(crisis.id), "handed_out": lines, "handed_out_totals": totals,
            "stock": stock_query.item_stocks(include_inactive=False)}


def version(crisis: Crisis) -> str:
    """A short fingerprint of the board: the page reloads itself when it changes."""
    data = snapshot(crisis)
    key = [[(n.id, n.status.value, n.owner) for n in data["needs"]],
           [(p["name"], p["answer"], str(p["answered_at"])) for p in data["people"]],
           data["handed_out_totals"], [(s.item.id, s.quantity) for s in data["stock"]]]
    return hashlib.sha256(json.dumps(key, default=str).encode()).hexdigest()[:16]
