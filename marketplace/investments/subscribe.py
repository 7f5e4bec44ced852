"""Subscribing to an offer, with the checks in order, and revoking in the reflection period.

The checks, in the order the subscribe flow shows them: the offer takes subscriptions; a
non-sophisticated investor has passed the knowledge test and done the loss simulation (403
otherwise, with a link); the amount is within the offer's minimum and maximum and a whole number
of units (422); above the risk-warning threshold the warning is acknowledged (422); and, under
the offer's row lock, the amount fits the room left (422). Only then is a subscription stored
and the provider asked for a checkout, outside the lock.
"""

import logging
from datetime import timedelta

from flask_babel import format_datetime
from flask_babel import gettext as _
from sqlalchemy import func, select

from marketplace.accounts.models import User
from marketplace.donations.checkout import display_money
from marketplace.donations.providers import get_provider
from marketplace.donations.providers.base import (
    CheckoutRequest,
    ProviderRejected,
    ProviderUnavailable,
)
from marketplace.donations.urls import path_for, public_url, webhook_url_for
from marketplace.errors import Conflict, InvalidInput, NotFound, ServiceUnavailable
from marketplace.extensions import db
from marketplace.investments import protection
from marketplace.investments.ledger import InvestorLedger
from marketplace.investments.models import (
    HOLDS_ROOM,
    Offer,
    OfferStatus,
    Subscription,
    SubscriptionStatus,
)
from marketplace.investments.offers import get_offer
from marketplace.investments.payments import lock_offer, lock_subscription, move, settle_refund
from marketplace.investments.queries import own_subscription
from marketplace.investments.sheet import REFLECTION_DAYS
from marketplace.money import InvalidAmount, parse_cents
from marketplace.organisations.models import Organisation
from marketplace.organisations.services import can_give_for
from marketplace.timeutil import as_utc, utcnow

log = logging.getLogger(__name__)
REFLECTION = timedelta(days=REFLECTION_DAYS)


def _invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput(_("Please correct the marked fields."), {field: [message]})


def takes_subscriptions(offer: Offer) -> bool:
    now = utcnow()
    return offer.status == OfferStatus.OPEN and offer.opens_at <= now < offer.closes_at


def amount_for(offer: Offer, amount, units) -> tuple[int, int | None]:
    """(cents, units) from `amount` or `units`; shares and bonds in whole units only."""
    unit = offer.unit_price_cents if offer.kind.has_units else None
    cents = None
    if amount not in (None, ""):
        try:
            cents = parse_cents(amount)
        except InvalidAmount:
            raise _invalid("amount", _("Enter an amount in euros, for example 500.")) from None
    if units not in (None, ""):
        if not unit:
            raise _invalid("units", _("This offer is not sold in units; give an amount."))
        if isinstance(units, bool) or not str(units).isdigit() or int(units) <= 0:
            raise _invalid("units", _("Enter a whole number of units."))
        by_units = int(units) * unit
        if cents is not None and cents != by_units:
            raise _invalid("amount", _("The amount does not match the number of units."))
        cents = by_units
    if cents is None:
        raise _invalid("amount", _("Enter an amount or a number of units."))
    if unit and cents % unit:
        price = display_money(unit)
        raise _invalid("amount", _("Must be a whole number of units of %(price)s.", price=price))
    return cents, (cents // unit if unit else None)


def check_limits(offer: Offer, cents: int) -> None:
    if cents < offer.minimum_cents:
        raise _invalid(
            "amount", _("The minimum is %(min)s.", min=display_money(offer.minimum_cents))
        )
    if cents > offer.maximum_cents:
        raise _invalid(
            "amount", _("The maximum is %(max)s.", max=display_money(offer.maximum_cents))
        )


def check_organisation(user: User, organisation_id: int | None) -> int | None:
    if organisation_id is None:
        return None
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or not can_give_for(organisation, user):
        raise _invalid("organisation_id", _("You cannot invest on behalf of this organisation."))
    return organisation_id


def room_left(offer: Offer) -> int:
    """What new subscriptions may still take (read under the offer's lock to be exact)."""
    held = db.session.scalar(
        select(func.coalesce(func.sum(Subscription.amount_cents), 0)).where(
            Subscription.offer_id == offer.id, Subscription.status.in_(list(HOLDS_ROOM))
        )
    )
    return max(offer.target_cents - int(held), 0)


def start_subscription(
    user: User,
    offer_id: int,
    *,
    amount=None,
    units=None,
    method: str | None = None,
    acknowledge_risk: bool = False,
    organisation_id: int | None = None,
    locale: str = "nl",
) -> Subscription:
    """Check, store and send to the checkout: a subscription `open` until its payment is paid."""
    offer = get_offer(offer_id, user)
    if not takes_subscriptions(offer):
        raise Conflict(_("This offer does not take subscriptions now."))
    profile = protection.require_may_invest(user)
    cents, unit_count = amount_for(offer, amount, units)
    check_limits(offer, cents)
    organisation_id = check_organisation(user, organisation_id)
    if protection.needs_risk_warning(profile, cents) and not acknowledge_risk:
        threshold = display_money(protection.risk_warning_threshold_cents(profile))
        raise _invalid(
            "acknowledge_risk",
            _(
                "This is more than %(threshold)s: read the risk warning and confirm that you "
                "accept that you can lose the whole amount.",
                threshold=threshold,
            ),
        )
    provider = get_provider()
    codes = [code for code, _label in provider.methods()]
    if method and method not in codes:
        raise _invalid("method", _("Choose a payment method."))
    subscription = _reserve_room(
        user,
        offer_id,
        cents,
        unit_count,
        organisation_id=organisation_id,
        acknowledged=acknowledge_risk,
        payment=(provider.name, method or codes[0]),
    )
    _request_checkout(provider, subscription.id, locale)
    return db.session.get(Subscription, subscription.id)


def _reserve_room(
    user, offer_id, cents, units, *, organisation_id, acknowledged, payment
) -> Subscription:
    """Under the offer's row lock: check the room left and store the subscription."""
    offer = lock_offer(offer_id)
    if not takes_subscriptions(offer):
        db.session.rollback()
        raise Conflict(_("This offer does not take subscriptions now."))
    room = room_left(offer)
    if cents > room:
        db.session.rollback()
        message = (
            _("Only %(room)s is left in this offer.", room=display_money(room))
            if room
            else _("This offer is fully subscribed.")
        )
        raise _invalid("amount", message)
    now = utcnow()
    subscription = Subscription(
        offer_id=offer.id,
        user_id=user.id,
        organisation_id=organisation_id,
        amount_cents=cents,
        units=units,
        currency=offer.currency,
        status=SubscriptionStatus.OPEN,
        sheet_version=offer.approved_version,
        risk_acknowledged=bool(acknowledged),
        reflection_ends_at=now + REFLECTION,
        provider=payment[0],
        method=payment[1],
        created_at=now,
    )
    db.session.add(subscription)
    db.session.flush()
    InvestorLedger(subscription, "subscribe").status("", SubscriptionStatus.OPEN.value)
    db.session.commit()
    return subscription


def _request_checkout(provider, subscription_id: int, locale: str) -> None:
    subscription = db.session.get(Subscription, subscription_id)
    offer, user = subscription.offer, subscription.user
    return_path = path_for("investor.subscription_return", subscription_id=subscription.id)
    request = CheckoutRequest(
        contribution_id=subscription.id,
        idempotency_key=subscription.idempotency_key,
        amount_cents=subscription.amount_cents,
        currency=subscription.currency,
        description=f"{offer.kind.label} {offer.title} #{subscription.id}"[:255],
        method=subscription.method,
        redirect_url=public_url(return_path),
        cancel_url=public_url(return_path),
        webhook_url=webhook_url_for(provider.name),
        locale=locale,
        donor_name=user.name,
        donor_email=user.email,
        metadata={"subscription_id": str(subscription.id)},
    )
    try:
        checkout = provider.create_checkout(request)
    except (ProviderUnavailable, ProviderRejected) as error:
        # Nothing was charged: the subscription gives its room back at once.
        db.session.rollback()
        log.warning("checkout for subscription %s failed: %s", subscription_id, error)
        _give_up(subscription_id)
        if isinstance(error, ProviderRejected):
            raise InvalidInput(_("The payment service refused this payment."), {}) from error
        raise ServiceUnavailable(
            _(
                "The payment service is not reachable right now. Nothing was charged; "
                "please try again."
            )
        ) from error
    subscription = db.session.get(Subscription, subscription_id)
    subscription.provider_payment_id = checkout.payment_id
    subscription.checkout_url = checkout.checkout_url
    subscription.checkout_expires_at = checkout.expires_at
    db.session.commit()


def _give_up(subscription_id: int) -> None:
    _offer, subscription = lock_subscription(subscription_id)
    if subscription.status == SubscriptionStatus.OPEN and subscription.paid_at is None:
        move(subscription, SubscriptionStatus.UNPAID, InvestorLedger(subscription, "checkout"))
    db.session.commit()


def revoke_subscription(user: User, subscription_id: int) -> Subscription:
    """The investor revokes in the reflection period, without a reason; whatever was paid goes
    back through the provider. After the period: 409."""
    own_subscription(user, subscription_id)
    _offer, subscription = lock_subscription(subscription_id)
    ends = as_utc(subscription.reflection_ends_at)
    if subscription.status not in (SubscriptionStatus.OPEN, SubscriptionStatus.RESERVED):
        db.session.rollback()
        raise Conflict(_("This subscription can no longer be revoked."))
    if utcnow() >= ends:
        db.session.rollback()
        raise Conflict(
            _("The reflection period ended on %(moment)s.", moment=format_datetime(ends, "short"))
        )
    move(subscription, SubscriptionStatus.REVOKED, InvestorLedger(subscription, "revoke"))
    subscription.revoked_at = utcnow()
    db.session.commit()
    settle_refund(subscription_id, "revoke", quiet=True)
    subscription = db.session.get(Subscription, subscription_id)
    if subscription is None:
        raise NotFound()
    return subscription
