"""The words of sessions, analyses, actions and indicators: value lists and their French labels."""

from __future__ import annotations

from enum import StrEnum

from crisis_app.actionplan.vocab import ActionStatus, ActionType, SourceKind  # noqa: F401 - ActionStatus re-named
from crisis_app.core.labels import labels


class SessionKind(StrEnum):
    CREX = "crex"
    RMM = "rmm"
    TRACEUR = "patient_traceur"

    @property
    def label(self) -> str:
        return {"crex": "CREX", "rmm": "RMM", "patient_traceur": "Patient traceur"}[self.value]


class SessionStatus(StrEnum):
    SCHEDULED = "scheduled"
    HELD = "held"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return {"scheduled": "Planifiée", "held": "Tenue", "cancelled": "Annulée"}[self.value]


class Decision(StrEnum):
    SIMPLE = "simple"
    ANALYSIS = "analysis"
    RMM = "rmm"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return DECISION_LABELS[self]


DECISION_LABELS = {
    Decision.SIMPLE: "Traitement simple",
    Decision.ANALYSIS: "Analyse par un pilote non impliqué",
    Decision.RMM: "Orienté en RMM",
    Decision.CLOSED: "Clôturé",
}


# The action plan's words (crisis_app.actionplan.vocab), named here for quality's templates and schemas.
ACTION_TYPES = labels(ActionType)
SOURCE_TYPES = labels(SourceKind)


class AnalysisStatus(StrEnum):
    DRAFT = "brouillon"
    PRESENTED = "presentee"
    VALIDATED = "validee"

    @property
    def label(self) -> str:
        return {"brouillon": "En cours de rédaction", "presentee": "Présentée",
                "validee": "Validée en séance"}[self.value]


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

TRACEUR_SETTINGS = {"ville": "Ville", "hopital": "Hôpital", "medico_social": "Médico-social"}
AGREEMENT_HOW = {"oral": "Oral, noté par l'animateur", "ecrit": "Écrit, signé",
                 "representant": "Par son représentant légal ou la personne de confiance"}

INDICATOR_SOURCES = {"computed": "Calculé par Vigie", "manual": "Saisi à la main"}
# The figures Vigie computes from its own data, for an indicator whose source is "computed".
COMPUTED_METRICS = {
    "themes_addressed": "Thèmes abordés dans l'année",
    "participants": "Professionnels ayant participé à un groupe d'analyse",
    "sessions_held": "Séances tenues dans l'année",
    "actions_done_rate": "Actions réalisées ou vérifiées (%)",
    "actions_verified": "Actions dont l'efficacité est vérifiée",
    "events_declared": "Événements déclarés dans l'année",
}

DEFAULT_THEMES = ("Plaies chroniques", "Personne âgée", "Iatrogénie médicamenteuse", "Parcours ville–hôpital",
                  "Soins non programmés", "Santé mentale")


def label(mapping: dict, code) -> str:
    if code is None:
        return ""
    return mapping.get(code, str(code))
