"""What the directory's forms share. The forms only carry the fields (and the CSRF token): the schemas validate,
so the UI and the API refuse the same things with the same French messages."""

from __future__ import annotations

from wtforms import SelectField
from wtforms.fields import SelectChoice


def choices(labels: dict, *, blank: str | None = None) -> list[SelectChoice]:
    """The choices of a menu from ``{value: label}``, after a blank one when ``blank`` names it."""
    options = [SelectChoice(str(getattr(k, "value", k)), v) for k, v in labels.items()]
    return ([SelectChoice("", blank)] if blank is not None else []) + options


def plain(value):
    """A value as a form shows it: an enum's value, ``""`` for nothing."""
    if value is None:
        return ""
    return value.value if hasattr(value, "value") else value


def select(label: str, choices: list[SelectChoice], **kwargs) -> SelectField:
    # the schemas judge the value, with French messages; the form only offers the choices
    return SelectField(label, choices=choices, validate_choice=False, **kwargs)
