"""The action plan's words: statuses and their moves, action types, the kinds of source an action follows."""

from __future__ import annotations

from crisis_app.core.labels import LabelledStrEnum


class ActionStatus(LabelledStrEnum):
    PLANNED = "planifiee", "Planifiée"
    IN_PROGRESS = "en_cours", "En cours"
    DONE = "realisee", "Réalisée"
    VERIFIED = "efficacite_verifiee", "Efficacité vérifiée"
    INEFFECTIVE = "non_efficace", "Non efficace"


# planifiée → en cours → réalisée → efficacité vérifiée | non efficace; a non-effective action is taken up again.
ACTION_TRANSITIONS: dict[ActionStatus, frozenset[ActionStatus]] = {
    ActionStatus.PLANNED: frozenset({ActionStatus.IN_PROGRESS}),
    ActionStatus.IN_PROGRESS: frozenset({ActionStatus.DONE}),
    ActionStatus.DONE: frozenset({ActionStatus.VERIFIED, ActionStatus.INEFFECTIVE}),
    ActionStatus.INEFFECTIVE: frozenset({ActionStatus.IN_PROGRESS}),
    ActionStatus.VERIFIED: frozenset(),
}
# Still to be followed (reminded): everything but réalisée (awaiting its check) and efficacité vérifiée.
OPEN = (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS, ActionStatus.INEFFECTIVE)
# Carried out, for the indicator "plan d'actions réalisé".
CARRIED_OUT = (ActionStatus.DONE, ActionStatus.VERIFIED)
# Moves that need evidence (a note or a file).
NEEDS_EVIDENCE = (ActionStatus.DONE, ActionStatus.VERIFIED, ActionStatus.INEFFECTIVE)


class ActionType(LabelledStrEnum):
    IMMEDIATE = "immediate", "Immédiate"
    CORRECTIVE = "corrective", "Corrective"
    PREVENTIVE = "preventive", "Préventive"
    IMPROVEMENT = "amelioration", "Amélioration"


class SourceKind(LabelledStrEnum):
    """What an action follows; the stored values are those quality's actions always had."""

    ADVERSE_EVENT = "adverse_event", "Événement indésirable"
    ANALYSIS = "analysis", "Analyse"
    SESSION = "quality_session", "Séance CREX/RMM"
    PATIENT_TRACEUR = "patient_traceur", "Patient traceur"
    RETEX = "crisis_retex", "RETEX de crise"
    INDICATOR = "indicator_review", "Revue d'indicateur"


# The page that shows a source: (endpoint, its argument). Endpoint names are stable (see DESIGN.md), so the action
# plan links to its sources without importing the packages that serve them.
SOURCE_PAGES: dict[SourceKind, tuple[str, str]] = {
    SourceKind.ADVERSE_EVENT: ("quality_review.event", "event_id"),
    SourceKind.ANALYSIS: ("quality_analyses.analysis_page", "analysis_id"),
    SourceKind.SESSION: ("quality_programme.session_page", "session_id"),
    SourceKind.RETEX: ("crises.retex_page", "crisis_id"),
}
