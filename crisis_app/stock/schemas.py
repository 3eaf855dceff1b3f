"""marshmallow schemas of the stock API: what may be written, what is read back."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from crisis_app.core.labels import labels
from crisis_app.core.strict_fields import StrictBoolean, StrictInteger
from crisis_app.stock.models import ItemCategory, MovementKind

MAX_ID = 2**31 - 1  # PostgreSQL's integer: a larger id can only be unknown
MAX_QUANTITY = 1_000_000


class Text(fields.String):
    """A stripped string without control characters (PostgreSQL refuses NUL)."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if any(ord(c) < 32 for c in text):
            raise ValidationError("Caractères de contrôle interdits.")
        return text


def _id(**kwargs) -> fields.Integer:
    """An id in a query string (text to parse)."""
    return fields.Integer(validate=validate.Range(min=1, max=MAX_ID), **kwargs)


def _body_id(**kwargs) -> StrictInteger:
    """An id in a JSON body: a JSON integer."""
    return StrictInteger(validate=validate.Range(min=1, max=MAX_ID), **kwargs)


class ItemSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String()
    category = fields.String()
    unit = fields.String()
    alert_threshold = fields.Integer()
    active = fields.Boolean()
    pack_size = fields.Integer(allow_none=True, metadata={"description": "ce que contient une unité (20 pour une "
                                                                        "boîte de 20), si c'est un conditionnement"})
    pack_content = fields.String(allow_none=True, metadata={"description": "ce qui est compté dedans, au singulier "
                                                                           "(masque)"})
    quantity = fields.Integer(metadata={"description": "Quantité totale, tous lieux et lots confondus"})
    below_threshold = fields.Boolean()
    created_at = fields.DateTime()


class ItemCreateSchema(Schema):
    name = Text(required=True, validate=validate.Length(min=1, max=120))
    unit = Text(required=True, validate=validate.Length(min=1, max=40),
                metadata={"description": "boîte de 50, paire, flacon de 500 mL…"})
    category = fields.String(load_default="autre", validate=validate.OneOf(list(labels(ItemCategory))))
    alert_threshold = StrictInteger(load_default=0, validate=validate.Range(min=0, max=MAX_QUANTITY))
    pack_size = StrictInteger(allow_none=True, validate=validate.Range(min=2, max=MAX_QUANTITY),
                              metadata={"description": "ce que contient une unité : 20 pour une boîte de 20"})
    pack_content = Text(allow_none=True, validate=validate.Length(max=40),
                        metadata={"description": "ce qui est compté dedans, au singulier : masque"})


class ItemUpdateSchema(Schema):
    name = Text(validate=validate.Length(min=1, max=120))
    unit = Text(validate=validate.Length(min=1, max=40))
    category = fields.String(validate=validate.OneOf(list(labels(ItemCategory))))
    alert_threshold = StrictInteger(validate=validate.Range(min=0, max=MAX_QUANTITY))
    active = StrictBoolean()
    pack_size = StrictInteger(allow_none=True, validate=validate.Range(min=2, max=MAX_QUANTITY))
    pack_content = Text(allow_none=True, validate=validate.Length(max=40))

    @validates_schema(pass_original=True)
    def _not_empty(self, data, original, **kwargs):
        if not data and not original:
            raise ValidationError("Indiquez au moins un champ à modifier.", "_schema")


class ItemListSchema(Schema):
    items = fields.List(fields.Nested(ItemSchema))
    total = fields.Integer()


class LocationSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = Text(required=True, validate=validate.Length(min=1, max=120))
    address = Text(allow_none=True, validate=validate.Length(max=250))
    active = fields.Boolean(dump_only=True)


class LocationListSchema(Schema):
    items = fields.List(fields.Nested(LocationSchema))
    total = fields.Integer()


class MovementSchema(Schema):
    id = fields.Integer()
    at = fields.DateTime()
    kind = fields.String()
    lot_id = fields.Integer()
    item_id = fields.Integer()
    item_name = fields.String(attribute="item.name")
    location_id = fields.Integer()
    location_name = fields.String(attribute="location.name")
    lot_number = fields.String(attribute="lot.lot_number", allow_none=True)
    expires_on = fields.Date(attribute="lot.expires_on", allow_none=True)
    delta = fields.Integer(metadata={"description": "Variation signée de la quantité du lot"})
    quantity_after = fields.Integer()
    professional_id = fields.Integer(allow_none=True)
    structure = fields.String(allow_none=True)
    crisis_id = fields.Integer(allow_none=True)
    reason = fields.String(allow_none=True)
    actor_label = fields.String()


class MovementCreateSchema(Schema):
    """One movement; which fields are required depends on ``kind`` (the service says which are missing)."""

    kind = fields.String(required=True, validate=validate.OneOf([k.value for k in MovementKind]))
    lot_id = _body_id(metadata={"description": "Lot concerné (distribution, perte, péremption, inventaire)"})
    item_id = _body_id(metadata={"description": "Article reçu (réception)"})
    location_id = _body_id(metadata={"description": "Lieu de stockage (réception)"})
    lot_number = Text(allow_none=True, validate=validate.Length(max=60))
    expires_on = fields.Date(allow_none=True)
    quantity = StrictInteger(validate=validate.Range(min=1, max=MAX_QUANTITY),
                              metadata={"description": "Quantité reçue ou sortie"})
    counted = StrictInteger(validate=validate.Range(min=0, max=MAX_QUANTITY),
                             metadata={"description": "Quantité comptée (inventaire)"})
    professional_id = _body_id(allow_none=True)
    organisation_id = _body_id(allow_none=True, metadata={"description": "organisation partenaire destinataire"})
    structure = Text(allow_none=True, validate=validate.Length(max=200))
    crisis_id = _body_id(allow_none=True)
    reason = Text(allow_none=True, validate=validate.Length(max=500))


class MovementQuerySchema(Schema):
    item_id = _id()
    lot_id = _id()
    location_id = _id()
    crisis_id = _id()
    professional_id = _id()
    kind = fields.String(validate=validate.OneOf([k.value for k in MovementKind]))
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=1_000_000))


class MovementListSchema(Schema):
    items = fields.List(fields.Nested(MovementSchema))
    total = fields.Integer()
