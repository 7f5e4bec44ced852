"""JSON API for donations: start one, read your own."""

from flask import current_app
from flask_smorest import Blueprint

from marketplace.api.auth import BEARER, require_api_user
from marketplace.api.schemas import page_envelope
from marketplace.donations import checkout, queries
from marketplace.donations.schemas import (
    DonationInputSchema,
    DonationPageSchema,
    DonationQuerySchema,
    DonationSchema,
)
from marketplace.extensions import limiter

blp = Blueprint("api_donations", __name__, url_prefix="/api/v1/donations", description="Donations")


def checkout_rate_limit() -> str:
    return current_app.config.get("CHECKOUT_RATE_LIMIT", "20 per minute")


@blp.route("", methods=["POST"])
@limiter.limit(checkout_rate_limit)
@blp.arguments(DonationInputSchema)
@blp.response(201, DonationSchema)
@blp.alt_response(429, response="TOO_MANY_REQUESTS", description="CHECKOUT_RATE_LIMIT reached")
@blp.alt_response(503, response="SERVICE_UNAVAILABLE", description="The provider is unreachable")
@blp.doc(security=BEARER)
def create_donation(data):
    """Start a gift (`amount`, optional `tip` for the platform on top); send the donor to
    `checkout_url`. The answer shows `amount`, `tip` and `fee` apart. 422 when a tip or the
    platform fee would leave the initiative a negative share; 503 when the provider is down."""
    user = require_api_user()
    return checkout.start_checkout(
        user,
        data["initiative_id"],
        data["amount"],
        currency=data["currency"],
        method=data["method"],
        interval=data["interval"],
        anonymous=data["anonymous"],
        message=data["message"],
        organisation_id=data["organisation_id"],
        locale=user.locale or "nl",
        tip=data["tip"],
    )


@blp.route("")
@blp.arguments(DonationQuerySchema, location="query")
@blp.response(200, DonationPageSchema)
@blp.doc(security=BEARER)
def list_donations(query):
    """Your own donations, newest first."""
    user = require_api_user()
    pagination = queries.contributions_of(user, query["page"], query["per_page"])
    return page_envelope(pagination, list(pagination.items))


@blp.route("/<int:donation_id>")
@blp.response(200, DonationSchema)
@blp.doc(security=BEARER)
def get_donation(donation_id: int):
    """One of your own donations (anybody else's: 404)."""
    user = require_api_user()
    return queries.own_contribution(user, donation_id)
