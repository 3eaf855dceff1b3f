"""The national outline in French: typologies, gradations, the four actions, and the seeded alert presets.

The typology labels repeat those of ``crisis_app.crises.models``: plan sits below crises and may not import it.
The presets were the built-in templates of ``crisis_app.alerts.templates`` (which keeps them as the fallback
when no plan is published); here they are the defaults a first draft starts from.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

TYPOLOGIES = {
    1: "Altération de l'offre de soins",
    2: "Patients atteints par un agent nucléaire, radiologique ou chimique (NRC)",
    3: "Patients atteints par un agent infectieux émergent",
    4: "Prise en charge de malades, notamment personnes âgées (canicule, grand froid)",
    5: "Blessés somatiques ou psychiques (attentats, explosions)",
}
GRADATIONS = {
    1: "Gradation 1 — mobilisation renforcée, même organisation",
    2: "Gradation 2 — structures dédiées à la prise en charge des patients",
}
ACTIONS = {
    "anticipation": "Anticipation",
    "adaptation": "Adaptation",
    "pilotage": "Pilotage",
    "retex": "Retour d'expérience",
}
QUESTIONS = {"none": "Aucune question", "ack": "Accusé de réception", "availability": "Disponibilité"}
# The measure's fields, in the order the forms, the PDF and the diff show them.
MEASURE_FIELDS = {
    "needs": "Besoins de santé à identifier",
    "mobilisation": "Professionnels et compétences à mobiliser",
    "circuits": "Circuits et lieux à adapter",
    "continuity_ald": "Continuité des soins des patients en ALD",
    "protocols": "Protocoles inter-structures",
    "equipment": "Matériel à distribuer",
}
ANTICIPATION_FIELDS = {"directory_notes": "Tenue de l'annuaire", "stock_notes": "Stock de matériel et dispositifs"}
PILOTAGE_FIELDS = {
    "cellule_place": "Lieu de réunion de la cellule",
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
    return f"{TYPOLOGIES.get(typology, typology)} — gradation {gradation}"


@dataclass(frozen=True)
class Preset:
    """An alert preset of the plan; same fields as the composer's built-in ``AlertTemplate``."""

    key: str
    name: str
    typology: int | None
    gradation: int | None
    title: str
    sms: str
    email: str
    question: str  # none | ack | availability

    def as_dict(self) -> dict:
        return asdict(self)

    def stored(self) -> dict:
        """As a measure holds it: the measure already says the typology and the gradation."""
        return {k: v for k, v in asdict(self).items() if k not in ("typology", "gradation")}


DEFAULT_PRESETS = [
    Preset("offre-g1", "Altération de l'offre de soins — gradation 1", 1, 1,
           "Renfort demandé : offre de soins perturbée",
           "{cpts} : offre de soins perturbée sur le territoire (gradation {gradation}). Pouvez-vous renforcer "
           "vos plages ?",
           "Bonjour,\n\nL'offre de soins du territoire est perturbée ({titre}). La CPTS est en gradation "
           "{gradation} : nous vous demandons d'ouvrir des plages supplémentaires si vous le pouvez.\n\nMerci "
           "d'indiquer votre disponibilité.\n\nLa cellule de crise — {cpts}",
           "availability"),
    Preset("infectieux-g2", "Agent infectieux émergent — gradation 2", 3, 2,
           "Mobilisation : centre de consultation dédié",
           "{cpts} : épidémie, gradation 2. Un centre de consultation dédié ouvre. Êtes-vous disponible ?",
           "Bonjour,\n\nFace à l'épidémie ({titre}), les autorités ont porté la gradation à {gradation} : la CPTS "
           "ouvre une structure dédiée à la prise en charge des patients. Nous recherchons des professionnels pour "
           "les premières vacations.\n\nMerci d'indiquer votre disponibilité.\n\nLa cellule de crise — {cpts}",
           "availability"),
    Preset("canicule-g1", "Canicule — personnes vulnérables — gradation 1", 4, 1,
           "Canicule : vigilance patients fragiles",
           "{cpts} : canicule. Merci de contacter vos patients âgés et en ALD les plus fragiles.",
           "Bonjour,\n\nL'épisode de canicule ({titre}) place la CPTS en gradation {gradation}. Merci de contacter "
           "vos patients âgés, isolés ou en ALD et de signaler toute situation préoccupante à la cellule de "
           "crise.\n\nLa cellule de crise — {cpts}",
           "ack"),
    Preset("nrc-g2", "NRC — gradation 2", 2, 2,
           "Événement NRC : consignes",
           "{cpts} : événement NRC. Consignes par e-mail. Confirmez la réception.",
           "Bonjour,\n\nUn événement nucléaire, radiologique ou chimique ({titre}) est en cours. Appliquez les "
           "consignes de protection de l'ARS et orientez les patients selon le schéma transmis.\n\nLa cellule de "
           "crise de {cpts}",
           "ack"),
    Preset("blesses-g2", "Afflux de blessés — gradation 2", 5, 2,
           "Afflux de blessés : renforts",
           "{cpts} : afflux de blessés (gradation {gradation}). Êtes-vous disponible pour renforcer ?",
           "Bonjour,\n\nUn événement ({titre}) entraîne un afflux de blessés somatiques ou psychiques. La CPTS "
           "organise des renforts.\n\nMerci d'indiquer votre disponibilité.\n\nLa cellule de crise — {cpts}",
           "availability"),
]


def empty_sections() -> dict[str, dict]:
    """The sections of a first draft: empty fields, and the default presets in their typology × gradation."""
    measures = []
    for preset in DEFAULT_PRESETS:
        measure = {"typology": preset.typology, "gradation": preset.gradation, "directory_filter": {},
                   "presets": [preset.stored()], **{k: "" for k in MEASURE_FIELDS}}
        measures.append(measure)
    return {
        "anticipation": {"referent_id": None, "suppleant_id": None, **{k: "" for k in ANTICIPATION_FIELDS}},
        "adaptation": {"measures": sorted(measures, key=lambda m: (m["typology"], m["gradation"]))},
        "pilotage": {"members": [], **{k: "" for k in PILOTAGE_FIELDS}},
        "retex": {"recipient_ids": [], **{k: "" for k in RETEX_FIELDS}},
    }
