"""API schemas for privacy requests."""

from marshmallow import Schema, fields, validate


class PasswordSchema(Schema):
    password = fields.String(required=True, validate=validate.Length(min=1, max=200))
