"""marshmallow schemas of the core resources (users, audit events, query arguments, followed sends)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from crisis_app.core.auth.services import MIN_PASSWORD_LENGTH
from crisis_app.core.fields import StrictBoolean
from crisis_app.core.roles import Role
from crisis_app.core.singleline import single_line

ROLE_VALUES = [r.value for r in Role]


class UserSchema(Schema):
    id = fields.Integer(dump_only=True)
    email = fields.Email(required=True, validate=[validate.Length(max=254), single_line])
    full_name = fields.String(required=True, validate=[validate.Length(min=1, max=200), single_line])
    role = fields.String(required=True, validate=validate.OneOf(ROLE_VALUES))
    active = fields.Boolean(dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    last_login_at = fields.DateTime(dump_only=True, allow_none=True)


class UserCreateSchema(UserSchema):
    # left out (the usual way), the account's owner gets an e-mail invitation to choose their password
    password = fields.String(load_only=True, validate=validate.Length(min=MIN_PASSWORD_LENGTH, max=200),
                             metadata={"description": "facultatif : sans mot de passe, une invitation par e-mail "
                                                      "(lien valable 72 h) permet à la personne de choisir le sien"})


class UserUpdateSchema(Schema):
    full_name = fields.String(validate=[validate.Length(min=1, max=200), single_line])
    role = fields.String(validate=validate.OneOf(ROLE_VALUES))
    active = StrictBoolean()


class UserListSchema(Schema):
    items = fields.List(fields.Nested(UserSchema))
    total = fields.Integer()


class AuditEventSchema(Schema):
    id = fields.Integer()
    at = fields.DateTime()
    actor_id = fields.Integer(allow_none=True)
    actor_label = fields.String()
    action = fields.String()
    object_type = fields.String()
    object_id = fields.String(allow_none=True)
    summary = fields.String()
    changes = fields.Dict()


class AuditQuerySchema(Schema):
    actor = fields.String(validate=validate.Length(max=254))
    action = fields.String(validate=validate.Length(max=64))
    object_type = fields.String(validate=validate.Length(max=64))
    since = fields.AwareDateTime(default_timezone=None)
    until = fields.AwareDateTime(default_timezone=None)
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=1_000_000))


class AuditListSchema(Schema):
    items = fields.List(fields.Nested(AuditEventSchema))
    total = fields.Integer()


class DeliverySchema(Schema):
    """One delivery of a document sent by e-mail and followed per recipient (``core.tracked_sends``: the RETEX, the
    published plan, a point de situation), first sends and resends alike."""

    id = fields.Integer()
    name = fields.Function(lambda d: d.recipient.name if d.recipient else d.address)
    channel = fields.String()
    address = fields.String()
    state = fields.Function(lambda d: getattr(d.state, "value", d.state))
    state_label = fields.Function(lambda d: d.state.label)
    resend = fields.Function(lambda d: bool(d.round), metadata={"description": "un renvoi (pas le premier envoi)"})
    sent_at = fields.DateTime(allow_none=True)
    last_error = fields.String(allow_none=True)
