"""The one label convention: an enum's members carry their French label, written once beside the value.

    class PlanStatus(LabelledStrEnum):
        DRAFT = "draft", "Brouillon"
        PUBLISHED = "published", "Publié"

    PlanStatus.DRAFT == "draft"; PlanStatus.DRAFT.label == "Brouillon"; PlanStatus("draft").label == "Brouillon"
    labels(PlanStatus) == {"draft": "Brouillon", "published": "Publié"}   (for templates and choices)

A column that stores such a value says so: ``str_enum(PlanStatus)`` for a text column, or
``mapped_column(sa.SmallInteger, info={"labels": Typology})`` for a number; tests/core/test_labels.py checks that
every value stored in the database has its French label.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum


class LabelledStrEnum(StrEnum):
    """A StrEnum whose members are written ``NAME = "value", "Libellé français"``."""

    label: str

    def __new__(cls, value: str, label: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member


class LabelledIntEnum(IntEnum):
    """An IntEnum whose members are written ``NAME = 1, "Libellé français"``."""

    label: str

    def __new__(cls, value: int, label: str):
        member = int.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member


def labels(enum_cls) -> dict:
    """``{value: label}`` of a labelled enum, in declaration order (choices in a form, a legend)."""
    return {member.value: member.label for member in enum_cls}


def label_of(enum_cls, value, default: str | None = None) -> str:
    """The French label of a stored value; ``default`` (or the value itself) when the value is unknown."""
    try:
        return enum_cls(value).label
    except ValueError:
        return default if default is not None else str(value)
