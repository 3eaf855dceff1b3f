"""marshmallow fields for JSON bodies: ids the database can hold, booleans that are booleans.

Domains use them in their schemas instead of ``fields.Integer()`` for a reference to a row and
``fields.Boolean()`` for a JSON flag: ``{"item_id": 99999999999}`` is then a 422 naming the field, not a
database error, and ``{"active": 0}`` is refused instead of read as ``False``.
"""

from __future__ import annotations

from marshmallow import fields, validate

from crisis_app.core.routing import DB_INT_MAX

# the largest integer PostgreSQL's ``integer`` column holds (quantities, thresholds, counts)
INT_MAX = DB_INT_MAX


class Id(fields.Integer):
    """A reference to a row: a JSON integer from 1 to 2**31-1 (``"12"``, ``12.0`` and ``true`` are refused).

    In a query string, where every value is text, use ``Id(strict=False)``.
    """

    def __init__(self, *, strict: bool = True, **kwargs):
        kwargs.setdefault("validate", validate.Range(min=1, max=DB_INT_MAX,
                                                     error="Identifiant invalide : entier de 1 à {max} attendu."))
        super().__init__(strict=strict, **kwargs)

    def _validated(self, value):
        if isinstance(value, bool):  # bool is an int in Python, never in JSON
            raise self.make_error("invalid")
        return super()._validated(value)


class BoundedInteger(fields.Integer):
    """An integer stored in an ``integer`` column: refused beyond ±2**31-1 instead of overflowing the database."""

    def __init__(self, *, min: int = -INT_MAX, max: int = INT_MAX, strict: bool = True, **kwargs):
        validators = [validate.Range(min=min, max=max)]
        extra = kwargs.pop("validate", None)
        if extra is not None:
            validators.extend(extra if isinstance(extra, list | tuple) else [extra])
        super().__init__(strict=strict, validate=validators, **kwargs)

    def _validated(self, value):
        if isinstance(value, bool):
            raise self.make_error("invalid")
        return super()._validated(value)


class StrictBoolean(fields.Boolean):
    """``true`` or ``false`` only: a JSON body saying ``0``, ``"yes"`` or ``"on"`` is a mistake to report
    (``fields.Boolean`` would guess, and ``truthy={True}`` still lets ``1`` in since ``1 == True`` in Python)."""

    default_error_messages = {"invalid": "Booléen attendu : true ou false."}

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class StrictInteger(fields.Integer):
    """A JSON integer only: no string, no decimal (``2.58e-42`` is not 0), no boolean."""

    default_error_messages = {"invalid": "Nombre entier attendu (sans guillemets ni décimales)."}

    def __init__(self, **kwargs):
        super().__init__(strict=True, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)
