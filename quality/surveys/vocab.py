"""The words of surveys: kinds, statuses, the five-point scale, the threshold below which no result is shown."""

from __future__ import annotations

from crisis_app.core.labels import LabelledStrEnum

MIN_RESPONSES = 5  # below it a result could point at a person: nothing is shown


class SurveyKind(LabelledStrEnum):
    SAFETY_CULTURE = "safety_culture", "Culture de sécurité"
    SATISFACTION = "satisfaction", "Satisfaction des patients"


class SurveyStatus(LabelledStrEnum):
    DRAFT = "draft", "En préparation"
    OPEN = "open", "Ouverte"
    CLOSED = "closed", "Close"


SCALE = ((1, "Pas du tout d'accord"), (2, "Plutôt pas d'accord"), (3, "Ni d'accord ni pas d'accord"),
         (4, "Plutôt d'accord"), (5, "Tout à fait d'accord"))


def is_positive(value: int, negative: bool) -> bool:
    """A positive answer: agreeing (4, 5) with a positively worded question, disagreeing (1, 2) with a negative."""
    return value <= 2 if negative else value >= 4
