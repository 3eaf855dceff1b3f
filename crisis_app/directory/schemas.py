"""marshmallow building blocks of the directory, and the search criteria every resource shares.

Each concept has its own schemas (``professionals/schemas.py``, ``audiences/schemas.py``, ``organisations/schemas.py``);
validation of every write (UI, API, imports) lives in them.
"""

from __future__ import annotations

from collections.abc import Callable

from marshmallow import Schema, ValidationError, fields, post_load, validate

from crisis_app.core.singleline import MESSAGE as SINGLE_LINE_MESSAGE
from crisis_app.core.singleline import is_single_line
from crisis_app.directory.professionals.models import Channel, CrisisRole, Membership, StructureType


class Text(fields.String):
    """A string without NUL characters, which PostgreSQL refuses to store or compare; on one line (no line break
    nor control character: core.singleline) unless ``multiline=True`` (a description)."""

    def __init__(self, *, multiline: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.multiline = multiline
        self.single_line = not multiline  # said in the OpenAPI document (core.api.text_without_nul)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if "\x00" in text:
            raise ValidationError("Caractère nul interdit.")
        if not self.multiline and not is_single_line(text):
            raise ValidationError(SINGLE_LINE_MESSAGE)
        return text


class Normalized(Text):
    """A string passed through one of ``validation``'s normalisers; empty means absent."""

    def __init__(self, normalizer: Callable[[str], str], **kwargs):
        kwargs.setdefault("allow_none", True)
        super().__init__(**kwargs)
        self.normalizer = normalizer

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if not text.strip():
            return None
        try:
            return self.normalizer(text)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None


NOTHING_TO_CHANGE = "Indiquez au moins un champ à modifier."


def refuse_empty(data: dict, original) -> None:
    """A PATCH that names no field is a mistake (an empty or missing body), not a request to change nothing."""
    if not data and not original:
        raise ValidationError(NOTHING_TO_CHANGE, "_schema")


def enum_values(enum) -> list[str]:
    return [m.value for m in enum]


SEARCH_HELP = ("chaque mot est cherché dans le nom, le prénom, le RPPS, l'ADELI, les téléphones (toute forme : "
               "06 39 98 99 02, +33 6…) et l'e-mail, sans accents ni casse ; % et _ sont pris littéralement")


class DirectoryQuerySchema(Schema):
    """Search criteria: the same for a listing, a saved audience and an export."""

    q = Text(validate=validate.Length(max=120), metadata={"description": SEARCH_HELP})
    profession_code = fields.List(Text(validate=validate.Length(max=8)))
    commune_code = fields.List(Text(validate=validate.Length(max=5)))
    tag = fields.List(Text(validate=validate.Length(max=60)))
    crisis_role = fields.List(Text(validate=validate.OneOf(enum_values(CrisisRole))))
    structure_type = fields.List(Text(validate=validate.OneOf(enum_values(StructureType))))
    membership = Text(validate=validate.OneOf(enum_values(Membership)))
    consent = Text(validate=validate.OneOf(enum_values(Channel)),
                   metadata={"description": "seulement les personnes joignables sur ce canal"})
    to_confirm = fields.Boolean(metadata={"description": "seulement les fiches non confirmées depuis 6 mois"})
    include_inactive = fields.Boolean(load_default=False)

    @post_load
    def _drop_empty(self, data, **kwargs):
        return {k: v for k, v in data.items()
                if v not in (None, "", []) and (v is not False or k == "include_inactive")}


class PageQuerySchema(DirectoryQuerySchema):
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=10_000_000))


class ReachSchema(Schema):
    people = fields.Integer()
    phones = fields.Integer(metadata={"description": "mobiles joignables (consentement SMS en vigueur)"})
    emails = fields.Integer(metadata={"description": "e-mails joignables (consentement e-mail en vigueur)"})
