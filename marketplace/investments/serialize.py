"""Offers, subscriptions and schedules as JSON-ready dicts: money as "25.00", rates as "4.50",
moments as ISO 8601 in UTC, days as YYYY-MM-DD."""

from marketplace.donations.urls import public_url
from marketplace.investments.models import Offer, Subscription, SubscriptionStatus
from marketplace.investments.queries import Progress
from marketplace.money import format_cents


def cents(value: int | None) -> str | None:
    return None if value is None else format_cents(value)


def offer_json(offer: Offer, progress: Progress) -> dict:
    return {
        "id": offer.id,
        "initiative_id": offer.initiative_id,
        "initiative_name": offer.initiative.name,
        "theme": offer.initiative.theme.value,
        "kind": offer.kind.value,
        "title": offer.title,
        "status": offer.status.value,
        "currency": offer.currency,
        "target": cents(offer.target_cents),
        "minimum": cents(offer.minimum_cents),
        "maximum": cents(offer.maximum_cents),
        "unit_price": cents(offer.unit_price_cents),
        "interest_rate": str(offer.interest_rate),
        "term_months": offer.term_months,
        "repayment": offer.repayment.value if offer.repayment else None,
        "frequency": offer.frequency.value if offer.frequency else None,
        "opens_at": offer.opens_at.isoformat(),
        "closes_at": offer.closes_at.isoformat(),
        "all_or_nothing": offer.all_or_nothing,
        "use_of_proceeds": offer.use_of_proceeds,
        "risks": offer.risks,
        "subscribed": cents(progress.paid_cents),
        "pending": cents(progress.pending_cents),
        "remaining": cents(progress.remaining_cents),
        "sheet_version": offer.approved_version,
        "pending_sheet_version": offer.sheet_version
        if offer.sheet_version != offer.approved_version
        else None,
        "review_note": offer.review_note or None,
        "funded": cents(offer.funded_cents),
        "repayment_start": offer.repayment_start.isoformat() if offer.repayment_start else None,
        "late_since": offer.late_since.isoformat() if offer.late_since else None,
        "url": f"/offers/{offer.id}",
    }


def checkout_url(subscription: Subscription) -> str | None:
    if subscription.status != SubscriptionStatus.OPEN or not subscription.checkout_url:
        return None
    url = subscription.checkout_url
    return public_url(url) if url.startswith("/") else url


def subscription_json(subscription: Subscription) -> dict:
    return {
        "id": subscription.id,
        "offer_id": subscription.offer_id,
        "organisation_id": subscription.organisation_id,
        "kind": subscription.offer.kind.value,
        "amount": cents(subscription.amount_cents),
        "units": subscription.units,
        "currency": subscription.currency,
        "status": subscription.status.value,
        "checkout_url": checkout_url(subscription),
        "reflection_ends_at": subscription.reflection_ends_at.isoformat(),
        "sheet_version": subscription.sheet_version,
        "paid": cents(subscription.paid_cents),
        "refunded": cents(subscription.refunded_cents),
        "created_at": subscription.created_at.isoformat(),
        "paid_at": subscription.paid_at.isoformat() if subscription.paid_at else None,
        "revoked_at": subscription.revoked_at.isoformat() if subscription.revoked_at else None,
    }
