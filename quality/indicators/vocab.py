"""The words of the CPTS's own indicators: where a value comes from, and the figures Vigie computes."""

from __future__ import annotations

from crisis_app.core.labels import LabelledStrEnum, label_of, labels  # noqa: F401 - templates


class IndicatorSource(LabelledStrEnum):
    COMPUTED = "computed", "Calculé par Vigie"
    MANUAL = "manual", "Saisi à la main"


class ComputedMetric(LabelledStrEnum):
    """The figures Vigie computes from its own data, for an indicator whose source is "computed"."""

    THEMES_ADDRESSED = "themes_addressed", "Thèmes abordés dans l'année"
    PARTICIPANTS = "participants", "Professionnels ayant participé à un groupe d'analyse"
    SESSIONS_HELD = "sessions_held", "Séances tenues dans l'année"
    ACTIONS_DONE_RATE = "actions_done_rate", "Actions réalisées ou vérifiées (%)"
    ACTIONS_VERIFIED = "actions_verified", "Actions dont l'efficacité est vérifiée"
    EVENTS_DECLARED = "events_declared", "Événements déclarés dans l'année"
