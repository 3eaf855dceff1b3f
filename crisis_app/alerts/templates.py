"""Built-in message templates, per crisis typology and gradation, with placeholders.

Placeholders: {cpts} the CPTS's name, {titre} the alert's title, {gradation} the crisis's gradation.
The answer link and the reply codes are appended by Vigie to every message that asks a question.
"""

from __future__ import annotations

from dataclasses import dataclass

AVAILABILITY_OPTIONS = [
    {"code": "1", "label": "Disponible immédiatement"},
    {"code": "2", "label": "Disponible sous 1 h"},
    {"code": "3", "label": "Disponible sous 4 h"},
    {"code": "4", "label": "Non disponible"},
]
ACK_OPTIONS = [{"code": "OK", "label": "Bien reçu"}]


@dataclass(frozen=True)
class AlertTemplate:
    key: str
    name: str
    typology: int | None
    gradation: int | None
    title: str
    sms: str
    email: str
    question: str  # none | ack | availability


TEMPLATES = [
    AlertTemplate(
        "offre-g1", "Altération de l'offre de soins — gradation 1", 1, 1,
        "Renfort demandé : offre de soins perturbée",
        "{cpts} : offre de soins perturbée sur le territoire (gradation {gradation}). Pouvez-vous renforcer "
        "vos plages ?",
        "Bonjour,\n\nL'offre de soins du territoire est perturbée ({titre}). La CPTS est en gradation {gradation} : "
        "nous vous demandons d'ouvrir des plages supplémentaires si vous le pouvez.\n\nMerci d'indiquer votre "
        "disponibilité.\n\nLa cellule de crise — {cpts}",
        "availability"),
    AlertTemplate(
        "infectieux-g2", "Agent infectieux émergent — gradation 2", 3, 2,
        "Mobilisation : centre de consultation dédié",
        "{cpts} : épidémie, gradation 2. Un centre de consultation dédié ouvre. Êtes-vous disponible ?",
        "Bonjour,\n\nFace à l'épidémie ({titre}), les autorités ont porté la gradation à {gradation} : la CPTS ouvre "
        "une structure dédiée à la prise en charge des patients. Nous recherchons des professionnels pour les "
        "premières vacations.\n\nMerci d'indiquer votre disponibilité.\n\nLa cellule de crise — {cpts}",
        "availability"),
    AlertTemplate(
        "canicule-g1", "Canicule — personnes vulnérables — gradation 1", 4, 1,
        "Canicule : vigilance patients fragiles",
        "{cpts} : canicule. Merci de contacter vos patients âgés et en ALD les plus fragiles.",
        "Bonjour,\n\nL'épisode de canicule ({titre}) place la CPTS en gradation {gradation}. Merci de contacter vos "
        "patients âgés, isolés ou en ALD et de signaler toute situation préoccupante à la cellule de crise.\n\n"
        "La cellule de crise — {cpts}",
        "ack"),
    AlertTemplate(
        "nrc-g2", "NRC — gradation 2", 2, 2,
        "Événement NRC : consignes",
        "{cpts} : événement NRC. Consignes par e-mail. Confirmez la réception.",
        "Bonjour,\n\nUn événement nucléaire, radiologique ou chimique ({titre}) est en cours. Appliquez les consignes "
        "de protection de l'ARS et orientez les patients selon le schéma transmis.\n\nLa cellule de crise — {cpts}",
        "ack"),
    AlertTemplate(
        "blesses-g2", "Afflux de blessés — gradation 2", 5, 2,
        "Afflux de blessés : renforts",
        "{cpts} : afflux de blessés (gradation {gradation}). Êtes-vous disponible pour renforcer ?",
        "Bonjour,\n\nUn événement ({titre}) entraîne un afflux de blessés somatiques ou psychiques. La CPTS organise "
        "des renforts.\n\nMerci d'indiquer votre disponibilité.\n\nLa cellule de crise — {cpts}",
        "availability"),
    AlertTemplate(
        "information", "Information simple", None, None, "Information de la CPTS",
        "{cpts} : {titre}.", "Bonjour,\n\n{titre}.\n\n{cpts}", "none"),
]
TEMPLATES_BY_KEY = {t.key: t for t in TEMPLATES}


def options_for(question: str) -> list[dict]:
    return {"availability": AVAILABILITY_OPTIONS, "ack": ACK_OPTIONS}.get(question, [])
