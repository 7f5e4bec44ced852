"""JSON API for offers and subscriptions: browse, create and review offers, subscribe and revoke,
schedules and the instalments an owner records."""

from flask import current_app
from flask_smorest import Blueprint

from marketplace.api.auth import BEARER, api_user_or_anonymous, require_admin, require_api_user
from marketplace.api.schemas import PaginationQuery, page_envelope
from marketplace.extensions import limiter
from marketplace.investments import offers, queries, repayments, subscribe, summaries
from marketplace.investments.schemas import (
    OfferInputSchema,
    OfferPageSchema,
    OfferPatchSchema,
    OfferQuerySchema,
    OfferSchema,
    RepaymentInputSchema,
    RepaymentSchema,
    ScheduleQuerySchema,
    ScheduleSchema,
    SubscriptionInputSchema,
    SubscriptionPageSchema,
    SubscriptionSchema,
)
from marketplace.investments.serialize import offer_json, subscription_json
from marketplace.money import format_cents

blp = Blueprint("api_investments", __name__, url_prefix="/api/v1", description="Investments")


def checkout_rate_limit() -> str:
    return current_app.config.get("CHECKOUT_RATE_LIMIT", "20 per minute")


def _offer(offer) -> dict:
    return offer_json(offer, queries.progress(offer))


@blp.route("/offers")
@blp.arguments(OfferQuerySchema, location="query")
@blp.response(200, OfferPageSchema)
def list_offers(query):
    """Approved offers, open ones first; filters `kind`, `theme` and `rate` (minimum, "4.00")."""
    pagination = queries.search_offers(
        query["kind"], query["theme"], query["rate"], query["page"], query["per_page"]
    )
    items = list(pagination.items)
    progress = queries.progress_of(items)
    return page_envelope(pagination, [offer_json(o, progress[o.id]) for o in items])


@blp.route("/offers", methods=["POST"])
@blp.arguments(OfferInputSchema)
@blp.response(201, OfferSchema)
@blp.doc(security=BEARER)
def create_offer(data):
    """Create an offer (draft) for an initiative you own."""
    user = require_api_user()
    initiative_id = data.pop("initiative_id")
    return _offer(offers.create_offer(user, initiative_id, data))


@blp.route("/offers/<int:offer_id>")
@blp.response(200, OfferSchema)
def get_offer(offer_id: int):
    """One offer: approved ones for everybody, drafts for the initiative's owners and admins."""
    return _offer(offers.get_offer(offer_id, api_user_or_anonymous()))


@blp.route("/offers/<int:offer_id>", methods=["PATCH"])
@blp.arguments(OfferPatchSchema)
@blp.response(200, OfferSchema)
@blp.doc(security=BEARER)
def patch_offer(data, offer_id: int):
    """Change an offer; after approval the change needs approval again."""
    return _offer(offers.update_offer(require_api_user(), offer_id, data))


@blp.route("/offers/<int:offer_id>/submit", methods=["POST"])
@blp.response(200, OfferSchema)
@blp.doc(security=BEARER)
def submit_offer(offer_id: int):
    """Ask an admin to approve the offer (its information sheet becomes a new version)."""
    return _offer(offers.submit_offer(require_api_user(), offer_id))


@blp.route("/offers/<int:offer_id>/approve", methods=["POST"])
@blp.response(200, OfferSchema)
@blp.doc(security=BEARER)
def approve_offer(offer_id: int):
    """Approve a submitted offer (admins)."""
    return _offer(offers.approve_offer(require_admin(), offer_id))


@blp.route("/offers/<int:offer_id>/subscriptions", methods=["POST"])
@limiter.limit(checkout_rate_limit)
@blp.arguments(SubscriptionInputSchema)
@blp.response(201, SubscriptionSchema)
@blp.doc(security=BEARER)
def create_subscription(data, offer_id: int):
    """Subscribe with `amount` or `units`; send the investor to `checkout_url`. 403 without a
    passed knowledge test or simulation; 422 below the minimum, above the maximum or the room."""
    user = require_api_user()
    subscription = subscribe.start_subscription(
        user,
        offer_id,
        amount=data["amount"],
        units=data["units"],
        method=data["method"],
        acknowledge_risk=data["acknowledge_risk"],
        organisation_id=data["organisation_id"],
        locale=user.locale or "nl",
    )
    return subscription_json(subscription)


@blp.route("/subscriptions")
@blp.arguments(PaginationQuery, location="query")
@blp.response(200, SubscriptionPageSchema)
@blp.doc(security=BEARER)
def list_subscriptions(query):
    """Your own subscriptions, newest first."""
    pagination = queries.subscriptions_of(require_api_user(), query["page"], query["per_page"])
    return page_envelope(pagination, [subscription_json(s) for s in pagination.items])


@blp.route("/subscriptions/<int:subscription_id>/revoke", methods=["POST"])
@blp.response(200, SubscriptionSchema)
@blp.doc(security=BEARER)
def revoke_subscription(subscription_id: int):
    """Revoke in the four-day reflection period (everything is refunded); after it, 409."""
    return subscription_json(subscribe.revoke_subscription(require_api_user(), subscription_id))


@blp.route("/offers/<int:offer_id>/schedule")
@blp.arguments(ScheduleQuerySchema, location="query")
@blp.response(200, ScheduleSchema)
def offer_schedule(query, offer_id: int):
    """The repayment schedule: the investors' schedules summed once funded, else an example."""
    offer = offers.get_offer(offer_id, api_user_or_anonymous())
    return summaries.offer_schedule(offer, query["amount"])


@blp.route("/offers/<int:offer_id>/repayments", methods=["POST"])
@blp.arguments(RepaymentInputSchema)
@blp.response(201, RepaymentSchema)
@blp.doc(security=BEARER)
def record_repayment(data, offer_id: int):
    """Record an instalment paid to the investors (the initiative's owners; anybody else: 404)."""
    user = require_api_user()
    record, split = repayments.record_repayment(
        user, offer_id, data["amount"], data["paid_on"], data["note"]
    )
    offer = offers.get_offer(offer_id, user)
    return {
        "id": record.id,
        "offer_id": record.offer_id,
        "amount": format_cents(record.amount_cents),
        "paid_on": record.paid_on.isoformat(),
        "note": record.note,
        "status": offer.status.value,
        "shares": [
            {"subscription_id": sid, "interest": format_cents(i), "principal": format_cents(p)}
            for sid, (i, p) in split.items()
        ],
    }
