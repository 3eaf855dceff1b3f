"""What the programme's API schemas share: bounded ids and texts, a page of a list."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

MAX_ID = 2**31 - 1


def ids(**kwargs) -> fields.List:
    return fields.List(fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_ID)),
                       validate=validate.Length(max=500), **kwargs)


def bounded_text(maximum: int = 4000, **kwargs) -> fields.String:
    return fields.String(validate=validate.Length(max=maximum), **kwargs)


class QualityPageSchema(Schema):
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=1_000_000))
