"""Starting a gift: the amount and the choices checked, a contribution created (or the one started
moments ago reused), and the provider asked for its checkout URL. Account holders and guests (a
one-off gift with a name and e-mail address) take the same path."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import and_, select

from marketplace.accounts.models import User
from marketplace.accounts.services import normalise_email
from marketplace.donations import routing
from marketplace.donations.models import (
    Contribution,
    ContributionStatus,
    Interval,
    RecurringGift,
)
from marketplace.donations.platform_income import platform_part
from marketplace.donations.providers import get_provider
from marketplace.donations.providers.base import (
    CheckoutRequest,
    PaymentProvider,
    ProviderRejected,
    ProviderUnavailable,
)
from marketplace.donations.urls import public_url, return_path_for, webhook_url_for
from marketplace.errors import InvalidInput, NotFound, ServiceUnavailable
from marketplace.extensions import db
from marketplace.i18n import babel_locale_name
from marketplace.initiatives.models import Initiative
from marketplace.money import InvalidAmount, format_money, parse_cents
from marketplace.organisations.models import Organisation
from marketplace.organisations.services import can_give_for
from marketplace.timeutil import as_utc, utcnow

log = logging.getLogger(__name__)

MIN_AMOUNT_CENTS = 100
CURRENCIES = ("EUR",)
MESSAGE_MAX = 1000
DONOR_NAME_MAX = 200
# An open contribution whose provider call failed may be retried (same idempotency key) this long.
REUSE_UNSTARTED = timedelta(minutes=50)


# --------------------------------------------------------------------------- validation
def display_money(cents: int) -> str:
    """An amount in the reader's locale for messages ("€ 25.000,00" in Dutch)."""
    return format_money(cents, locale=babel_locale_name())


def max_amount_cents() -> int:
    """The largest single gift (`DONATION_MAX_AMOUNT`), in cents."""
    return parse_cents(current_app.config.get("DONATION_MAX_AMOUNT", "25000.00"))


def _invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput(_("Please correct the marked fields."), {field: [message]})


def validate_amount(amount, currency: str = "EUR") -> int:
    """ "25.00" -> 2500; anything else than €1 up to the maximum with ≤2 decimals is refused."""
    try:
        cents = parse_cents(amount)
    except InvalidAmount:
        raise _invalid("amount", _("Enter an amount in euros, for example 25 or 25.50.")) from None
    if cents < MIN_AMOUNT_CENTS:
        raise _invalid("amount", _("The minimum is %(min)s.", min=display_money(MIN_AMOUNT_CENTS)))
    maximum = max_amount_cents()
    if cents > maximum:
        raise _invalid("amount", _("The maximum is %(max)s.", max=display_money(maximum)))
    if (currency or "").upper() not in CURRENCIES:
        raise _invalid("currency", _("Only EUR is accepted."))
    return cents


def check_organisation(user: User, organisation_id: int | None) -> int | None:
    """Giving on behalf of an organisation: owners and members only (organisations.can_give_for)."""
    if organisation_id is None:
        return None
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or not can_give_for(organisation, user):
        raise _invalid("organisation_id", _("You cannot give on behalf of this organisation."))
    return organisation_id


def _validate_interval(interval: str | None) -> Interval:
    try:
        return Interval(interval or "once")
    except ValueError:
        raise _invalid("interval", _("Choose once or monthly.")) from None


def _validate_message(message: str | None) -> str:
    message = (message or "").strip()
    if len(message) > MESSAGE_MAX:
        raise _invalid("message", _("At most %(n)d characters.", n=MESSAGE_MAX))
    return message


def _validate_method(provider: PaymentProvider, method: str | None, interval: Interval) -> str:
    """The chosen payment method (default: the provider's first); monthly only where offered."""
    codes = [code for code, _label in provider.methods()]
    if method and method not in codes:
        raise _invalid("method", _("Choose a payment method."))
    if interval == Interval.MONTHLY and not provider.supports_monthly:
        message = _("Monthly giving is not available with this payment provider.")
        raise InvalidInput(message, {"interval": [message]})
    return method or codes[0]


# ----------------------------------------------------------------------------- checkout
@dataclass(frozen=True)
class Donor:
    """Who gives: an account holder (possibly for an organisation), or a guest without one."""

    user: User | None
    name: str
    email: str
    organisation_id: int | None = None
    tip: object = None  # the optional tip for the platform, as given ("2.50")


def start_checkout(
    user: User,
    initiative_id: int,
    amount,
    currency: str = "EUR",
    method: str | None = None,
    interval: str = "once",
    anonymous: bool = False,
    message: str = "",
    organisation_id: int | None = None,
    locale: str = "nl",
    tip=None,
) -> Contribution:
    """Create (or reuse) a contribution and get the provider's checkout URL for it.

    `amount` is the gift; an optional `tip` for the platform is paid on top of it; the platform
    fee (from the settings) comes out of it.
    """
    cents = validate_amount(amount, currency)
    donor = Donor(user, user.name, user.email, check_organisation(user, organisation_id), tip)
    return _start(donor, initiative_id, cents, currency, method, interval, anonymous, message,
                  locale)  # fmt: skip


def start_guest_checkout(
    initiative_id: int,
    amount,
    *,
    donor_name: str,
    donor_email: str,
    method: str | None = None,
    interval: str = "once",
    anonymous: bool = False,
    message: str = "",
    locale: str = "nl",
    tip=None,
) -> Contribution:
    """A gift without an account: the same checkout and status path, once only (monthly giving
    needs an account, where it can be stopped). Name and e-mail address are for the receipt."""
    cents = validate_amount(amount, "EUR")
    if _validate_interval(interval) != Interval.ONCE:
        raise _invalid("interval", _("Monthly giving needs an account: log in or register."))
    name = " ".join((donor_name or "").split())
    if not name or len(name) > DONOR_NAME_MAX:
        raise _invalid("donor_name", _("Enter your name for the receipt."))
    try:
        email = normalise_email(donor_email or "")
    except InvalidInput:
        raise _invalid("donor_email", _("Enter a valid e-mail address.")) from None
    donor = Donor(None, name, email, tip=tip)
    return _start(donor, initiative_id, cents, "EUR", method, "once", anonymous, message, locale)


def _start(donor: Donor, initiative_id, cents, currency, method, interval, anonymous, message,
           locale) -> Contribution:  # fmt: skip
    tip_cents, fee_cents = platform_part(cents, donor.tip)
    currency = currency.upper()
    initiative = db.session.get(Initiative, initiative_id)
    if initiative is None or not initiative.is_published:
        raise NotFound(_("This initiative does not exist."))
    interval_value = _validate_interval(interval)
    message = _validate_message(message)
    provider = get_provider()
    method = _validate_method(provider, method, interval_value)

    contribution = _reusable_contribution(
        donor, initiative.id, (cents, tip_cents), currency, interval_value, method, provider.name
    )
    if contribution is not None and contribution.checkout_url:
        return contribution  # an open checkout: send the donor there again, no second payment
    if contribution is None:
        contribution = Contribution(
            initiative_id=initiative.id,
            user_id=donor.user.id if donor.user else None,
            organisation_id=donor.organisation_id,
            amount_cents=cents,
            tip_cents=tip_cents,
            fee_cents=fee_cents,
            currency=currency,
            interval=interval_value,
            provider=provider.name,
            method=method,
            anonymous=bool(anonymous),
            message=message,
            donor_name=donor.name,
            donor_email=donor.email,
            locale=locale if locale in ("nl", "en") else "nl",
        )
        _add_contribution(contribution)
    _request_checkout(provider, contribution, initiative, locale)
    return contribution


def _add_contribution(contribution: Contribution) -> None:
    """Store a new contribution; a monthly one gets its monthly gift, of which it is the first."""
    db.session.add(contribution)
    monthly = contribution.interval == Interval.MONTHLY
    if monthly:
        contribution.recurring_gift = RecurringGift(
            user_id=contribution.user_id,
            initiative_id=contribution.initiative_id,
            organisation_id=contribution.organisation_id,
            amount_cents=contribution.amount_cents,
            tip_cents=contribution.tip_cents,
            currency=contribution.currency,
            provider=contribution.provider,
            anonymous=contribution.anonymous,
            message=contribution.message,
        )
        db.session.add(contribution.recurring_gift)
    db.session.flush()
    if monthly:
        contribution.recurring_gift.first_contribution_id = contribution.id
    db.session.commit()


def _reusable_contribution(donor: Donor, initiative_id, amounts, currency, interval, method,
                           provider_name):  # fmt: skip
    """The same gift (and tip) started moments ago: an open checkout, or a failed provider call."""
    cents, tip_cents = amounts
    now = utcnow()
    if donor.user is not None:
        whose = Contribution.user_id == donor.user.id
    else:
        whose = and_(Contribution.user_id.is_(None), Contribution.donor_email == donor.email)
    candidates = db.session.scalars(
        select(Contribution)
        .where(
            whose,
            Contribution.initiative_id == initiative_id,
            Contribution.amount_cents == cents,
            Contribution.tip_cents == tip_cents,
            Contribution.currency == currency,
            Contribution.interval == interval,
            Contribution.method == method,
            Contribution.provider == provider_name,
            Contribution.status == ContributionStatus.OPEN,
            Contribution.created_at > now - timedelta(hours=24),
        )
        .order_by(Contribution.id.desc())
    )
    for candidate in candidates:
        if candidate.provider_payment_id is None:
            if as_utc(candidate.created_at) > now - REUSE_UNSTARTED:
                return candidate
            continue
        expires = candidate.checkout_expires_at
        if candidate.checkout_url and expires and as_utc(expires) > now + timedelta(minutes=2):
            return candidate
    return None


def _checkout_request(contribution: Contribution, initiative: Initiative, locale: str, provider):
    return_path = return_path_for(contribution)
    gift = _("Monthly gift") if contribution.interval == Interval.MONTHLY else _("Gift")
    platform = current_app.config.get("PLATFORM_LEGAL_NAME", "Impactbeurs")
    application_fee = contribution.tip_cents + contribution.fee_cents
    return CheckoutRequest(
        contribution_id=contribution.id,
        idempotency_key=contribution.idempotency_key,
        amount_cents=contribution.charged_cents,
        currency=contribution.currency,
        description=f"{gift} {initiative.name} #{contribution.id}"[:255],
        method=contribution.method,
        redirect_url=public_url(return_path),
        cancel_url=public_url(return_path),
        webhook_url=webhook_url_for(contribution.provider),
        locale=locale,
        donor_name=contribution.donor_name,
        donor_email=contribution.donor_email,
        monthly=contribution.interval == Interval.MONTHLY,
        recurring_gift_id=contribution.recurring_gift_id,
        metadata={"contribution_id": str(contribution.id)},
        tip_cents=contribution.tip_cents,
        tip_description=_("Tip for %(platform)s", platform=platform),
        destination=routing.destination_for(
            provider, initiative.id, contribution.interval, application_fee
        ),
    )


def _request_checkout(provider, contribution: Contribution, initiative, locale: str) -> None:
    request = _checkout_request(contribution, initiative, locale, provider)
    try:
        checkout = provider.create_checkout(request)
    except ProviderUnavailable as error:
        # The row stays open without a payment: a retry reuses it with the same idempotency key,
        # so a payment the provider did create after all is returned rather than duplicated.
        db.session.rollback()
        log.warning("checkout for contribution %s failed: %s", contribution.id, error)
        raise ServiceUnavailable(
            _(
                "The payment service is not reachable right now. "
                "Nothing was charged; please try again in a moment."
            )
        ) from error
    except ProviderRejected as error:
        db.session.rollback()
        log.warning("checkout for contribution %s refused: %s", contribution.id, error)
        _discard_unstarted(contribution.id)
        raise InvalidInput(
            _("The payment service refused this payment. Please try another amount or method."),
            {},
        ) from error
    contribution = db.session.get(Contribution, contribution.id)
    if request.destination is not None:
        contribution.destination_account = request.destination.account.account_id
    contribution.provider_payment_id = checkout.payment_id
    contribution.checkout_url = checkout.checkout_url
    contribution.checkout_expires_at = checkout.expires_at
    if checkout.customer_id and contribution.recurring_gift is not None:
        contribution.recurring_gift.provider_customer_id = checkout.customer_id
    db.session.commit()


def _discard_unstarted(contribution_id: int) -> None:
    """Remove a contribution the provider refused outright (it never had a payment)."""
    contribution = db.session.get(Contribution, contribution_id)
    if contribution is None or contribution.provider_payment_id or contribution.events:
        return
    gift = contribution.recurring_gift
    if gift is not None:
        gift.first_contribution_id = None
        db.session.flush()
    db.session.delete(contribution)
    db.session.flush()
    if gift is not None:
        db.session.delete(gift)
    db.session.commit()
