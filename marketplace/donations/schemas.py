"""API schemas for donations: amounts as decimal strings, never floats."""

from marshmallow import Schema, fields, validate

from marketplace.api.schemas import (
    CentsAsDecimalString,
    Id,
    Integer,
    Items,
    NumberOrString,
    PageSchema,
    PaginationQuery,
)
from marketplace.donations.urls import public_url


class DonationInputSchema(Schema):
    initiative_id = Id(required=True, strict=True)
    amount = NumberOrString(required=True)
    tip = NumberOrString(load_default=None, allow_none=True)  # for the platform, on top
    currency = fields.String(load_default="EUR", validate=validate.Length(equal=3))
    method = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=30))
    interval = fields.String(load_default="once", validate=validate.OneOf(["once", "monthly"]))
    anonymous = fields.Boolean(load_default=False)
    message = fields.String(load_default="", validate=validate.Length(max=1000))
    organisation_id = Id(load_default=None, allow_none=True, strict=True)


class DonationSchema(Schema):
    id = Integer()
    initiative_id = Integer()
    organisation_id = Integer(allow_none=True)
    amount = CentsAsDecimalString(attribute="amount_cents")  # the gift
    tip = CentsAsDecimalString(attribute="tip_cents")  # for the platform, paid on top
    fee = CentsAsDecimalString(attribute="fee_cents")  # the platform's fee, out of the gift
    total = CentsAsDecimalString(attribute="charged_cents")  # what the donor pays
    currency = fields.String()
    status = fields.Function(lambda c: c.status.value, metadata={"type": "string"})
    interval = fields.Function(
        lambda c: c.interval.value, metadata={"type": "string", "enum": ["once", "monthly"]}
    )
    method = fields.String()
    provider = fields.String()
    anonymous = fields.Boolean()
    message = fields.String()
    refunded = CentsAsDecimalString(attribute="refunded_cents")
    charged_back = CentsAsDecimalString(attribute="charged_back_cents")
    net = CentsAsDecimalString(attribute="net_cents")  # what reached the initiative
    received_by = fields.Function(lambda c: "initiative" if c.paid_directly else "platform")
    # Refunds and chargebacks exceeded the payment (it counts as zero) or another problem: an
    # admin looks at it and resolves it.
    flagged = fields.Boolean()
    checkout_url = fields.Method(
        "get_checkout_url",
        allow_none=True,
        metadata={"type": "string", "description": "while the gift is open"},
    )
    created_at = fields.DateTime()
    paid_at = fields.DateTime(allow_none=True)

    def get_checkout_url(self, contribution):
        if contribution.status.value != "open" or not contribution.checkout_url:
            return None
        url = contribution.checkout_url
        if url.startswith("/"):
            return public_url(url)
        return url


class DonationPageSchema(PageSchema):
    items = Items(DonationSchema)


class DonationQuerySchema(PaginationQuery):
    pass
