"""The words of analyses: their status, the two methods (ORION, ALARM), their steps, factors and barriers."""

from __future__ import annotations

from crisis_app.core.labels import LabelledStrEnum


class AnalysisStatus(LabelledStrEnum):
    DRAFT = "brouillon", "En cours de rédaction"
    PRESENTED = "presentee", "Présentée"
    VALIDATED = "validee", "Validée en séance"


ANALYSIS_METHODS = {"orion": "ORION (analyse systémique)", "alarm": "ALARM (grille des facteurs)"}

ORION_STEPS = {
    "collect": "1. Collecte des données",
    "chronology": "2. Chronologie des faits",
    "gaps": "3. Écarts constatés",
    "factors": "4. Facteurs contributifs et influents",
    "actions": "5. Actions proposées",
    "report": "6. Rapport et retour d'expérience",
}
ORION_FACTOR_FAMILIES = {
    "technical": "Facteurs techniques", "environment": "Environnement de travail",
    "organisation": "Organisation et procédures", "human": "Facteurs humains",
}
ALARM_FACTORS = {
    "patient": "Patient", "task": "Tâches à accomplir", "individual": "Individu (soignant)",
    "team": "Équipe", "environment": "Environnement de travail",
    "organisation": "Organisation et management", "institution": "Contexte institutionnel",
}
BARRIER_KINDS = {"prevention": "Prévention", "recovery": "Récupération", "mitigation": "Atténuation"}
BARRIER_OUTCOMES = {"effective": "Efficace", "failed": "Défaillante", "missing": "Absente"}
