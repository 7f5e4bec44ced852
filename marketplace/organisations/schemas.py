"""API schemas for organisations, members and invitations."""

from marshmallow import Schema, fields, validate

from marketplace.api.schemas import Integer
from marketplace.organisations.models import ALL_ROLES, OrganisationKind


class OrganisationSchema(Schema):
    id = Integer()
    name = fields.String()
    slug = fields.String()
    kind = fields.String()
    created_at = fields.DateTime()
    role = fields.String(metadata={"description": "the caller's role: owner, member or viewer"})


class OrganisationInputSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    kind = fields.String(
        load_default=OrganisationKind.FOUNDATION.value,
        validate=validate.OneOf([k.value for k in OrganisationKind]),
    )


class MemberSchema(Schema):
    user_id = Integer()
    name = fields.Function(lambda m: m.user.name, metadata={"type": "string"})
    email = fields.Function(lambda m: m.user.email, metadata={"type": "string"})
    role = fields.Function(lambda m: m.role.value, metadata={"type": "string", "enum": ALL_ROLES})
    created_at = fields.DateTime()


class InviteInputSchema(Schema):
    email = fields.String(required=True, validate=validate.Length(min=3, max=254))
    role = fields.String(required=True, validate=validate.OneOf(ALL_ROLES))


class InvitationSchema(Schema):
    id = Integer()
    email = fields.String()
    role = fields.Function(lambda i: i.role.value, metadata={"type": "string", "enum": ALL_ROLES})
    created_at = fields.DateTime()
    expires_at = fields.DateTime()


class RoleInputSchema(Schema):
    role = fields.String(required=True, validate=validate.OneOf(ALL_ROLES))


class AcceptInputSchema(Schema):
    token = fields.String(required=True, validate=validate.Length(min=10, max=500))
