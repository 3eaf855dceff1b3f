"""Business rules that refuse stock bodies the schemas' types allow, written into the OpenAPI document."""

from __future__ import annotations

RULES: dict[str, dict] = {
    "ItemUpdate": {
        "description": "Au moins un champ (un corps vide ou absent est refusé, 422) ; un nom déjà pris est refusé "
                       "avec 409.",
        "minProperties": 1,
    },
    "MovementCreate": {
        "description": "Champs obligatoires selon kind (422 sinon) : reception → item_id, location_id, quantity ; "
                       "distribution → lot_id, quantity et professional_id (avec ou sans structure), ou "
                       "organisation_id seul, ou structure ; perte "
                       "→ lot_id, quantity, reason ; peremption → lot_id, quantity ; inventaire → lot_id, counted, "
                       "reason. Une sortie au-delà du lot est refusée avec 409 insufficient_stock.",
    },
}


def document(api) -> None:
    """Add the rules to the component schemas already registered by the stock's API blueprint."""
    schemas = api.spec.components.schemas
    for name, rule in RULES.items():
        if name in schemas:
            schemas[name].update(rule)
