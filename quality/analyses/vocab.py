"""The words of analyses: their status, the two methods (ORION, ALARM), their steps, factors and barriers."""

from __future__ import annotations

from crisis_app.core.labels import LabelledStrEnum, label_of, labels  # noqa: F401 - templates


class AnalysisStatus(LabelledStrEnum):
    DRAFT = "brouillon", "En cours de rédaction"
    PRESENTED = "presentee", "Présentée"
    VALIDATED = "validee", "Validée en séance"


class AnalysisMethod(LabelledStrEnum):
    ORION = "orion", "ORION (analyse systémique)"
    ALARM = "alarm", "ALARM (grille des facteurs)"


class OrionStep(LabelledStrEnum):
    COLLECT = "collect", "1. Collecte des données"
    CHRONOLOGY = "chronology", "2. Chronologie des faits"
    GAPS = "gaps", "3. Écarts constatés"
    FACTORS = "factors", "4. Facteurs contributifs et influents"
    ACTIONS = "actions", "5. Actions proposées"
    REPORT = "report", "6. Rapport et retour d'expérience"


class OrionFactorFamily(LabelledStrEnum):
    TECHNICAL = "technical", "Facteurs techniques"
    ENVIRONMENT = "environment", "Environnement de travail"
    ORGANISATION = "organisation", "Organisation et procédures"
    HUMAN = "human", "Facteurs humains"


class AlarmFactor(LabelledStrEnum):
    PATIENT = "patient", "Patient"
    TASK = "task", "Tâches à accomplir"
    INDIVIDUAL = "individual", "Individu (soignant)"
    TEAM = "team", "Équipe"
    ENVIRONMENT = "environment", "Environnement de travail"
    ORGANISATION = "organisation", "Organisation et management"
    INSTITUTION = "institution", "Contexte institutionnel"


class BarrierKind(LabelledStrEnum):
    PREVENTION = "prevention", "Prévention"
    RECOVERY = "recovery", "Récupération"
    MITIGATION = "mitigation", "Atténuation"


class BarrierOutcome(LabelledStrEnum):
    EFFECTIVE = "effective", "Efficace"
    FAILED = "failed", "Défaillante"
    MISSING = "missing", "Absente"
