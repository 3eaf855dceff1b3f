"""The words of sessions, analyses, actions and indicators: value lists and their French labels."""

from __future__ import annotations

from enum import StrEnum


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


class ActionStatus(StrEnum):
    PLANNED = "planifiee"
    IN_PROGRESS = "en_cours"
    DONE = "realisee"
    VERIFIED = "efficacite_verifiee"
    INEFFECTIVE = "non_efficace"

    @property
    def label(self) -> str:
        return ACTION_STATUS_LABELS[self]


ACTION_STATUS_LABELS = {
    ActionStatus.PLANNED: "Planifiée", ActionStatus.IN_PROGRESS: "En cours", ActionStatus.DONE: "Réalisée",
    ActionStatus.VERIFIED: "Efficacité vérifiée", ActionStatus.INEFFECTIVE: "Non efficace",
}

# planifiée → en cours → réalisée → efficacité vérifiée | non efficace; a non-effective action is taken up again.
ACTION_TRANSITIONS: dict[ActionStatus, frozenset[ActionStatus]] = {
    ActionStatus.PLANNED: frozenset({ActionStatus.IN_PROGRESS}),
    ActionStatus.IN_PROGRESS: frozenset({ActionStatus.DONE}),
    ActionStatus.DONE: frozenset({ActionStatus.VERIFIED, ActionStatus.INEFFECTIVE}),
    ActionStatus.INEFFECTIVE: frozenset({ActionStatus.IN_PROGRESS}),
    ActionStatus.VERIFIED: frozenset(),
}

ACTION_TYPES = {"immediate": "Immédiate", "corrective": "Corrective", "preventive": "Préventive",
                "amelioration": "Amélioration"}

# What an action follows: an event, an analysis, a patient traceur, or a crisis RETEX (crises attach theirs).
SOURCE_TYPES = {"adverse_event": "Événement indésirable", "analysis": "Analyse",
                "patient_traceur": "Patient traceur", "crisis_retex": "RETEX de crise"}


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
