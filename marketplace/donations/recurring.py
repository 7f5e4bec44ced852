"""Monthly gifts: the subscription after the first payment, stopping it, and each later payment of
a subscription becoming its own contribution (whose status then goes through `status`)."""

from __future__ import annotations

import logging

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from marketplace.accounts.models import User
from marketplace.donations.models import (
    PAID_FAMILY,
    RECURRING_TRANSITIONS,
    Contribution,
    Interval,
    RecurringGift,
    RecurringStatus,
)
from marketplace.donations.platform_income import platform_fee_cents
from marketplace.donations.providers import get_provider
from marketplace.donations.providers.base import (
    NotSupported,
    ProviderPayment,
    ProviderRejected,
    ProviderUnavailable,
)
from marketplace.donations.queries import find_contribution
from marketplace.donations.urls import webhook_url_for
from marketplace.errors import InvalidInput, NotFound, ServiceUnavailable
from marketplace.extensions import db
from marketplace.timeutil import utcnow

log = logging.getLogger(__name__)


def activate_recurring_gift(gift_id: int) -> RecurringGift:
    """Create the provider subscription once the first payment is paid (idempotent)."""
    gift = db.session.get(RecurringGift, gift_id)
    if gift is None:
        raise NotFound()
    if gift.status in (RecurringStatus.ACTIVE, RecurringStatus.CANCELED):
        return gift
    first = db.session.get(Contribution, gift.first_contribution_id or 0)
    if first is None or first.status not in PAID_FAMILY:
        return gift
    provider = get_provider(gift.provider)
    customer_id = gift.provider_customer_id
    if gift.provider_subscription_id or gift.provider == "stripe":
        # Stripe Checkout in subscription mode created the subscription with the first payment.
        subscription_id = None
    else:
        db.session.rollback()
        try:
            subscription = provider.start_subscription(
                customer_id,
                gift.amount_cents + gift.tip_cents,
                gift.currency,
                f"Impactbeurs monthly gift #{gift.id}",
                webhook_url_for(gift.provider),
                {"recurring_gift_id": str(gift.id)},
                f"recurring-{gift.id}-subscription",
            )
        except ProviderUnavailable as error:
            raise ServiceUnavailable(
                _("The payment service is not reachable right now.")
            ) from error
        subscription_id = subscription.subscription_id
    gift = db.session.get(RecurringGift, gift_id)
    if subscription_id:
        gift.provider_subscription_id = subscription_id
    if RecurringStatus.ACTIVE in RECURRING_TRANSITIONS[gift.status]:
        gift.status = RecurringStatus.ACTIVE
    db.session.commit()
    return gift


def cancel_recurring_gift(user: User, gift_id: int) -> RecurringGift:
    """The donor stops a monthly gift: cancelled at the provider first, then here."""
    gift = db.session.get(RecurringGift, gift_id)
    if gift is None or (gift.user_id != user.id and not user.is_admin):
        raise NotFound()
    if gift.status == RecurringStatus.CANCELED:
        return gift
    if gift.provider_subscription_id:
        provider = get_provider(gift.provider)
        customer_id, subscription_id = gift.provider_customer_id, gift.provider_subscription_id
        db.session.rollback()
        try:
            provider.cancel_subscription(customer_id, subscription_id)
        except ProviderUnavailable as error:
            raise ServiceUnavailable(
                _("The payment service is not reachable right now; your monthly gift is unchanged.")  # noqa: E501
            ) from error
        except (ProviderRejected, NotSupported) as error:
            raise InvalidInput(
                _("The monthly gift could not be cancelled: %(e)s", e=str(error)), {}
            ) from error
        gift = db.session.get(RecurringGift, gift_id)
    gift.status = RecurringStatus.CANCELED
    gift.canceled_at = utcnow()
    db.session.commit()
    return gift


def own_recurring_gift(user: User, gift_id: int) -> RecurringGift:
    """A donor's own monthly gift; anybody else's is 'not found'."""
    gift = db.session.get(RecurringGift, gift_id)
    if gift is None or gift.user_id != user.id:
        raise NotFound()
    return gift


def recurring_gifts_of(user: User) -> list[RecurringGift]:
    """A donor's monthly gifts: running or about to first, then the stopped ones (history)."""
    gifts = db.session.scalars(
        select(RecurringGift)
        .where(
            RecurringGift.user_id == user.id,
            RecurringGift.status.in_(
                [RecurringStatus.ACTIVE, RecurringStatus.PENDING, RecurringStatus.CANCELED]
            ),
        )
        .order_by(RecurringGift.id.desc())
    )
    return sorted(gifts, key=lambda gift: not gift.is_running)


def link_subscription(contribution_id: int, payment: ProviderPayment) -> None:
    """Stripe creates the subscription with the first payment: remember it on the gift."""
    contribution = db.session.get(Contribution, contribution_id)
    gift = contribution.recurring_gift if contribution else None
    if (
        gift is None
        or gift.provider_subscription_id
        or gift.first_contribution_id != contribution_id
    ):
        return
    gift.provider_subscription_id = payment.subscription_id
    gift.provider_customer_id = gift.provider_customer_id or payment.customer_id
    db.session.commit()


def contribution_for_subscription_payment(
    provider_name: str, payment: ProviderPayment
) -> Contribution | None:
    """A payment Mollie/Stripe made for one of our subscriptions becomes its own contribution."""
    if not payment.subscription_id or payment.first_of_subscription:
        return None
    gift = db.session.scalar(
        select(RecurringGift).where(
            RecurringGift.provider == provider_name,
            RecurringGift.provider_subscription_id == payment.subscription_id,
        )
    )
    if gift is None:
        return None
    if gift.provider_customer_id and payment.customer_id not in (None, gift.provider_customer_id):
        log.error(
            "payment %s: customer does not match monthly gift %s", payment.payment_id, gift.id
        )
        return None
    user = gift.user
    contribution = Contribution(
        initiative_id=gift.initiative_id,
        user_id=gift.user_id,
        organisation_id=gift.organisation_id,
        amount_cents=gift.amount_cents,
        tip_cents=gift.tip_cents,
        fee_cents=platform_fee_cents(gift.amount_cents),
        currency=gift.currency,
        interval=Interval.MONTHLY,
        provider=provider_name,
        provider_payment_id=payment.payment_id,
        provider_reference=payment.reference,
        method=(payment.method or "directdebit")[:30],
        anonymous=gift.anonymous,
        message=gift.message,
        donor_name=user.name if user else "",
        donor_email=user.email if user else "",
        recurring_gift_id=gift.id,
    )
    db.session.add(contribution)
    try:
        db.session.commit()
    except IntegrityError:  # the same payment's webhook raced us; use the row it created
        db.session.rollback()
        return find_contribution(provider_name, payment.payment_id)
    return contribution
