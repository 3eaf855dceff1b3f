"""The words of corrective actions: their status, its transitions, their types and sources.

The words of sessions, analyses and indicators now live in their sub-packages (``quality.sessions.vocab``,
``quality.analyses.vocab``, ``quality.indicators.vocab``); the analyses' status and methods below are read here by
``quality.models_actions`` until the action plan moves to its own package."""

from __future__ import annotations

from enum import StrEnum

from crisis_app.core.labels import labels
from quality.analyses.vocab import AnalysisMethod, AnalysisStatus  # noqa: F401 - read by models_actions


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
ANALYSIS_METHODS = labels(AnalysisMethod)  # models_actions reads ``words.ANALYSIS_METHODS``

SOURCE_TYPES = {"adverse_event": "Événement indésirable", "analysis": "Analyse",
                "patient_traceur": "Patient traceur", "crisis_retex": "RETEX de crise"}


def label(mapping: dict, code) -> str:
    if code is None:
        return ""
    return mapping.get(code, str(code))
