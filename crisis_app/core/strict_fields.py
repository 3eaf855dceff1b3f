"""marshmallow fields for JSON bodies that take a value only in its own JSON type.

``fields.Boolean`` turns ``0``, ``"1"`` or ``"oui"`` into booleans (and ``truthy={True}`` still lets ``1`` in,
since ``1 == True`` in Python); ``fields.Integer`` turns ``2.58e-42`` into 0. A body is written by a program:
a wrong type is a mistake to report, not a value to guess.
"""

from __future__ import annotations

from marshmallow import ValidationError, fields


class StrictBoolean(fields.Boolean):
    """``true`` or ``false`` only."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise ValidationError("Booléen attendu : true ou false.")
        return value


class StrictInteger(fields.Integer):
    """A JSON integer only: no string, no decimal, no boolean."""

    def __init__(self, **kwargs):
        super().__init__(strict=True, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError("Nombre entier attendu (sans guillemets ni décimales).")
        return super()._deserialize(value, attr, data, **kwargs)
