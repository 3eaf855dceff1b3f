"""The words of the CPTS's own indicators: where a value comes from, and the figures Vigie computes."""

from __future__ import annotations

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
