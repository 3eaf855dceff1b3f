"""The national outline's plan in French: the four actions, the fields of each section, the cellule's roles.

The typologies, gradations, question kinds and the built-in alert presets a first draft starts from are the
crisis vocabulary of ``crisis_app.core.vocabulary``, shared with the alert composer and crises.
"""

from __future__ import annotations

from crisis_app.core.labels import label_of
from crisis_app.core.vocabulary import Typology, plan_defaults

ACTIONS = {
    "anticipation": "Anticipation",
    "adaptation": "Adaptation",
    "pilotage": "Pilotage",
    "retex": "Retour d'expérience",
}
# The measure's fields, in the order the forms, the PDF and the diff show them.
MEASURE_FIELDS = {
    "needs": "Besoins de santé à identifier",
    "mobilisation": "Professionnels et compétences à mobiliser",
    "circuits": "Circuits et lieux à adapter",
    "continuity_ald": "Continuité des soins des patients en ALD",
    "protocols": "Protocoles inter-structures",
    "equipment": "Matériel à distribuer",
    "population": "Consignes à la population (page d'information publique)",
}
ANTICIPATION_FIELDS = {"directory_notes": "Tenue de l'annuaire", "stock_notes": "Stock de matériel et dispositifs"}
PILOTAGE_FIELDS = {
    "cellule_place": "Lieu de réunion de la cellule",
    "cellule_visio": "Lien de visioconférence de la cellule",
    "cellule_first_briefing": "Premier point de situation (heure ou délai après l'activation)",
    "cellule_mode": "Modalités de réunion (convocation, visioconférence, rythme)",
    "communication_professionals": "Communication vers les professionnels",
    "communication_population": "Communication vers la population",
    "communication_partners": "Communication vers les partenaires",
    "journal_rules": "Règles du journal de bord",
}
RETEX_FIELDS = {"method": "Méthode d'évaluation de l'action de la CPTS"}
CELLULE_ROLES = ["Pilote de la cellule", "Coordination médicale", "Coordination paramédicale",
                 "Logistique et matériel", "Communication", "Secrétariat — journal de bord"]


def measure_label(typology: int, gradation: int) -> str:
    return f"{label_of(Typology, typology)} — gradation {gradation}"


def empty_sections() -> dict[str, dict]:
    """The sections of a first draft: empty fields, and the default presets in their typology × gradation."""
    measures = []
    for preset in plan_defaults():
        measure = {"typology": preset.typology, "gradation": preset.gradation, "directory_filter": {},
                   "presets": [preset.stored()], **{k: "" for k in MEASURE_FIELDS}}
        measures.append(measure)
    return {
        "anticipation": {"referent_id": None, "suppleant_id": None, **{k: "" for k in ANTICIPATION_FIELDS}},
        "adaptation": {"measures": sorted(measures, key=lambda m: (m["typology"], m["gradation"])),
                       "not_applicable": []},
        "pilotage": {"members": [], **{k: "" for k in PILOTAGE_FIELDS}},
        "retex": {"recipient_ids": [], **{k: "" for k in RETEX_FIELDS}},
    }
