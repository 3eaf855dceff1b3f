"""Business rules that refuse bodies the schemas' types allow, written into the OpenAPI document.

A client (or schemathesis) reading only the JSON schema would think any such body is accepted: each rule is
said in French in the component's description and, where JSON Schema can say it, as a constraint too.
"""

from __future__ import annotations

RULES: dict[str, dict] = {
    "ProfessionalInput": {
        "description": "Règles vérifiées en plus des types : un numéro RPPS (11 chiffres) ou ADELI (9 chiffres), "
                       "avec une clé de Luhn valide, est obligatoire (422 sinon) ; un RPPS ou ADELI déjà présent "
                       "dans l'annuaire est refusé avec 409 ; le mobile doit être un numéro de mobile.",
        "anyOf": [{"required": ["rpps"]}, {"required": ["adeli"]}],
    },
    "ProfessionalPatch": {
        "description": "Au moins un champ (un corps vide ou absent est refusé, 422). Après modification, la fiche "
                       "doit garder un RPPS ou un ADELI (422) ; un numéro déjà présent sur une autre fiche : 409.",
        "minProperties": 1,
    },
    "AudienceInput": {
        "description": "Une liste fixe (kind « list ») doit contenir au moins une personne de l'annuaire "
                       "(professional_ids non vide, ids existants ; 422 sinon) ; un filtre (kind « filter ») est "
                       "résolu à l'envoi. Un nom déjà pris par une autre audience est refusé avec 409.",
        "anyOf": [{"properties": {"kind": {"enum": ["filter"]}}},
                  {"properties": {"kind": {"enum": ["list"]}, "professional_ids": {"minItems": 1}},
                   "required": ["professional_ids"]}],
    },
    "OrganisationContact": {
        "description": "Chaque contact a une adresse e-mail ou un téléphone (422 sinon).",
        "anyOf": [{"required": ["email"]}, {"required": ["phone"]}],
    },
    "Organisation": {
        "description": "Le nom est unique, sans tenir compte de la casse (409 sinon).",
    },
    "OrganisationUpdate": {
        "description": "Au moins un champ (422 sinon) ; « contacts » remplace toute la liste ; le nom reste unique "
                       "(409).",
        "minProperties": 1,
    },
}


def document(api) -> None:
    """Add the rules to the component schemas already registered by the directory's API blueprint."""
    schemas = api.spec.components.schemas
    for name, rule in RULES.items():
        if name in schemas:
            schemas[name].update(rule)
