"""The needs and resources board: needs, people available from alert answers, equipment in stock and handed out."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict

from crisis_app.alerts import offer
from crisis_app.crises import alert_link, needs, plan_link
from crisis_app.crises.models import Crisis
from crisis_app.plan.outline import MEASURE_FIELDS
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


def equipment_lines(lines: list[dict]) -> list[dict]:
    """Quantities handed out per item and unit (« Masques FFP2 », 73, « boîte de 20 »), by item."""
    per_item: dict[tuple[str, str], int] = {}
    for line in lines:
        per_item[(line["item"], line["unit"])] = per_item.get((line["item"], line["unit"]), 0) + line["quantity"]
    return [{"item": i, "unit": u, "quantity": q} for (i, u), q in sorted(per_item.items())]


def plan_needs(crisis: Crisis, recorded: list) -> list[str]:
    """The needs the published plan foresees for the crisis's typology at its gradation (one per line of its
    "besoins" text), those not on the board yet: one tap adds each."""
    section = plan_link.typology_section(crisis.typology, crisis.gradation) or []
    text = next((t for label, t in section if label == MEASURE_FIELDS["needs"]), "")
    have = {n.title.strip().lower() for n in recorded}
    lines = [line.strip(" -•*\t").rstrip(" ;.") for line in text.replace(";", "\n").splitlines()]
    return [line[:200] for line in dict.fromkeys(lines) if line and line.lower() not in have]


def snapshot(crisis: Crisis) -> dict:
    """Everything the board shows."""
    lines, totals = handed_out(crisis)
    recorded = needs.needs_of(crisis)
    return {"needs": recorded, "need_counts": needs.counts(crisis),
            "plan_needs": plan_needs(crisis, recorded) if crisis.active else [],
            "handed_out_lines": equipment_lines(lines),
            "people": alert_link.available_people(crisis.id), "offer": offer.of_crisis(crisis.id),
            "handed_out": lines, "handed_out_totals": totals,
            "stock": stock_query.item_stocks(include_inactive=False)}


def version(crisis: Crisis) -> str:
    """A short fingerprint of the board: the page reloads itself when it changes."""
    data = snapshot(crisis)
    key = [[(n.id, n.status.value, n.owner) for n in data["needs"]],
           [(p["name"], p["answer"], str(p["answered_at"])) for p in data["people"]], data["offer"],
           data["handed_out_totals"], [(s.item.id, s.quantity) for s in data["stock"]]]
    return hashlib.sha256(json.dumps(key, default=str).encode()).hexdigest()[:16]
