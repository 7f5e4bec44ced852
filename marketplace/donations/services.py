"""Giving: checkout, the one status-update path, refunds, monthly gifts, reconciliation.

The rule that keeps every cent accounted for: **only `apply_payment_status` changes a
contribution's money or status**, inside one transaction, holding the contribution's row lock,
allowing only the transitions in `models.TRANSITIONS`, and writing one ledger row per provider fact
under a unique key (a replayed webhook finds the key and changes nothing). Provider calls (network)
happen *outside* that lock; their answers are then applied through it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app, has_request_context, url_for
from flask_babel import gettext as _
from sqlalchemy import or_, select, text, update
from sqlalchemy.exc import IntegrityError, OperationalError

from marketplace.accounts.models import User
from marketplace.db import get_for_update
from marketplace.donations.models import (
    PAID_FAMILY,
    RECURRING_TRANSITIONS,
    UNPAID_FINAL,
    Chargeback,
    Contribution,
    ContributionEvent,
    ContributionStatus,
    EventKind,
    Flag,
    Interval,
    RecurringGift,
    RecurringStatus,
    Refund,
    can_transition,
)
from marketplace.donations.providers import get_provider
from marketplace.donations.providers.base import (
    CheckoutRequest,
    NotSupported,
    PaymentProvider,
    ProviderChargeback,
    ProviderError,
    ProviderPayment,
    ProviderPaymentRef,
    ProviderRefund,
    ProviderRejected,
    ProviderUnavailable,
)
from marketplace.errors import InvalidInput, NotAllowed, NotFound, ServiceUnavailable
from marketplace.extensions import db
from marketplace.i18n import babel_locale_name
from marketplace.initiatives.models import Initiative
from marketplace.money import InvalidAmount, format_cents, format_money, parse_cents
from marketplace.timeutil import as_utc, utcnow

log = logging.getLogger(__name__)

MIN_AMOUNT_CENTS = 100
CURRENCIES = ("EUR",)
MESSAGE_MAX = 1000
# An open contribution whose provider call failed may be retried (same idempotency key) this long.
REUSE_UNSTARTED = timedelta(minutes=50)
# How often the return page's polling may ask the provider again.
STATUS_REFRESH_INTERVAL = timedelta(seconds=5)


# --------------------------------------------------------------------------- validation
def display_money(cents: int) -> str:
    """An amount in the reader's locale for messages ("€ 25.000,00" in Dutch)."""
    return format_money(cents, locale=babel_locale_name())


def max_amount_cents() -> int:
    return parse_cents(current_app.config.get("DONATION_MAX_AMOUNT", "25000.00"))


def validate_amount(amount, currency: str = "EUR") -> int:
    """ "25.00" -> 2500; anything else than €1 up to the maximum with ≤2 decimals is refused."""
    try:
        cents = parse_cents(amount)
    except InvalidAmount:
        raise InvalidInput(
            _("Please correct the marked fields."),
            {"amount": [_("Enter an amount in euros, for example 25 or 25.50.")]},
        ) from None
    if cents < MIN_AMOUNT_CENTS:
        raise InvalidInput(
            _("Please correct the marked fields."),
            {"amount": [_("The minimum is %(min)s.", min=display_money(MIN_AMOUNT_CENTS))]},
        )
    maximum = max_amount_cents()
    if cents > maximum:
        raise InvalidInput(
            _("Please correct the marked fields."),
            {"amount": [_("The maximum is %(max)s.", max=display_money(maximum))]},
        )
    if (currency or "").upper() not in CURRENCIES:
        raise InvalidInput(
            _("Please correct the marked fields."), {"currency": [_("Only EUR is accepted.")]}
        )
    return cents


def check_organisation(user: User, organisation_id: int | None) -> int | None:
    """Giving on behalf of an organisation: owners and members only (organisations.can_give_for)."""
    if organisation_id is None:
        return None
    from marketplace.organisations.models import Organisation
    from marketplace.organisations.services import can_give_for

    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or not can_give_for(organisation, user):
        raise InvalidInput(
            _("Please correct the marked fields."),
            {"organisation_id": [_("You cannot give on behalf of this organisation.")]},
        )
    return organisation_id


def public_base_is_local(base_url: str) -> bool:
    host = (urlsplit(base_url).hostname or "").lower()
    return (
        host in ("localhost", "::1", "0.0.0.0")  # noqa: S104 (a check, not a bind)
        or host.startswith("127.")
        or host.endswith(".localhost")
    )


def path_for(endpoint: str, **values) -> str:
    """url_for that also works outside a request (CLI, scheduler, threads)."""
    if has_request_context():
        return url_for(endpoint, **values)
    with current_app.test_request_context():
        return url_for(endpoint, **values)


def public_url(path: str) -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path


def webhook_url_for(provider_name: str) -> str | None:
    """Mollie refuses webhook URLs it cannot reach: none when the public base URL is local."""
    if provider_name == "simulator" or public_base_is_local(current_app.config["PUBLIC_BASE_URL"]):
        return None
    return public_url(path_for(f"donation_webhooks.{provider_name}_webhook"))


# ----------------------------------------------------------------------------- checkout
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
) -> Contribution:
    """Create (or reuse) a contribution and get the provider's checkout URL for it."""
    cents = validate_amount(amount, currency)
    currency = currency.upper()
    initiative = db.session.get(Initiative, initiative_id)
    if initiative is None or not initiative.is_published:
        raise NotFound(_("This initiative does not exist."))
    try:
        interval_value = Interval(interval or "once")
    except ValueError:
        raise InvalidInput(
            _("Please correct the marked fields."), {"interval": [_("Choose once or monthly.")]}
        ) from None
    message = (message or "").strip()
    if len(message) > MESSAGE_MAX:
        raise InvalidInput(
            _("Please correct the marked fields."),
            {"message": [_("At most %(n)d characters.", n=MESSAGE_MAX)]},
        )
    organisation_id = check_organisation(user, organisation_id)
    provider = get_provider()
    codes = [code for code, _label in provider.methods()]
    if method and method not in codes:
        raise InvalidInput(
            _("Please correct the marked fields."), {"method": [_("Choose a payment method.")]}
        )
    method = method or codes[0]
    monthly = interval_value == Interval.MONTHLY
    if monthly and not provider.supports_monthly:
        raise InvalidInput(
            _("Monthly giving is not available with this payment provider."),
            {"interval": [_("Monthly giving is not available with this payment provider.")]},
        )

    contribution = _reusable_contribution(
        user, initiative.id, cents, currency, interval_value, method, provider.name
    )
    if contribution is not None and contribution.checkout_url:
        return contribution  # an open checkout: send the donor there again, no second payment
    if contribution is None:
        contribution = Contribution(
            initiative_id=initiative.id,
            user_id=user.id,
            organisation_id=organisation_id,
            amount_cents=cents,
            currency=currency,
            interval=interval_value,
            provider=provider.name,
            method=method,
            anonymous=bool(anonymous),
            message=message,
            donor_name=user.name,
            donor_email=user.email,
        )
        db.session.add(contribution)
        if monthly:
            gift = RecurringGift(
                user_id=user.id,
                initiative_id=initiative.id,
                organisation_id=organisation_id,
                amount_cents=cents,
                currency=currency,
                provider=provider.name,
                anonymous=bool(anonymous),
                message=message,
            )
            db.session.add(gift)
            contribution.recurring_gift = gift
        db.session.flush()
        if monthly:
            contribution.recurring_gift.first_contribution_id = contribution.id
        db.session.commit()
    _request_checkout(provider, contribution, initiative, locale)
    return contribution


def _reusable_contribution(user, initiative_id, cents, currency, interval, method, provider_name):
    """The same gift started moments ago: an open checkout, or a provider call that failed."""
    now = utcnow()
    candidates = db.session.scalars(
        select(Contribution)
        .where(
            Contribution.user_id == user.id,
            Contribution.initiative_id == initiative_id,
            Contribution.amount_cents == cents,
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


def _checkout_request(contribution: Contribution, initiative: Initiative, locale: str):
    return_path = path_for("donations.return_page", contribution_id=contribution.id)
    gift = _("Monthly gift") if contribution.interval == Interval.MONTHLY else _("Gift")
    return CheckoutRequest(
        contribution_id=contribution.id,
        idempotency_key=contribution.idempotency_key,
        amount_cents=contribution.amount_cents,
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
    )


def _request_checkout(provider, contribution: Contribution, initiative, locale: str) -> None:
    request = _checkout_request(contribution, initiative, locale)
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


# ------------------------------------------------------------- the one status-update path
@dataclass
class ApplyResult:
    contribution_id: int
    changed: bool = False
    newly_paid: bool = False
    flagged: bool = False


class _Ledger:
    """Collects ledger rows for one locked contribution; a known key is skipped (replay)."""

    def __init__(self, contribution: Contribution, source: str):
        self.contribution = contribution
        self.source = source
        self.added = 0

    def record(self, key: str, kind: EventKind, amount_cents: int = 0, **fields) -> bool:
        exists = db.session.scalar(
            select(ContributionEvent.id).where(ContributionEvent.event_key == key)
        )
        if exists:
            return False
        db.session.add(
            ContributionEvent(
                contribution_id=self.contribution.id,
                event_key=key,
                kind=kind,
                amount_cents=amount_cents,
                currency=self.contribution.currency,
                source=self.source,
                **fields,
            )
        )
        self.added += 1
        return True


def lock_contribution(contribution_id: int) -> Contribution | None:
    """Start a write transaction and lock the contribution's row (503 when the lock times out)."""
    if db.session().in_transaction():
        db.session.commit()
    timeout_ms = int(current_app.config.get("PAYMENT_LOCK_TIMEOUT_MS", 5000))
    try:
        if db.engine.dialect.name == "sqlite":
            db.session.connection(execution_options={"sqlite_begin_immediate": True})
        else:
            db.session.execute(text(f"SET LOCAL lock_timeout = {timeout_ms}"))
        return get_for_update(Contribution, contribution_id)
    except OperationalError as error:
        db.session.rollback()
        log.warning("lock on contribution %s timed out: %s", contribution_id, error)
        raise ServiceUnavailable(_("Busy; please try again.")) from error


def apply_payment_status(
    contribution_id: int, payment: ProviderPayment, source: str = "webhook"
) -> ApplyResult:
    """Apply the provider's answer to one contribution: locked, idempotent, forwards only.

    A unique-key conflict at commit (a concurrent writer, here or in a listener of another
    domain) is retried from the start: the replayed facts are then found and skipped. If it
    keeps conflicting, 503 so the provider retries later; a payment is never silently dropped.
    """
    for _attempt in range(3):
        try:
            return _apply_payment_status(contribution_id, payment, source)
        except IntegrityError as error:
            db.session.rollback()
            log.warning("apply on contribution %s conflicted, retrying: %s", contribution_id, error)
    raise ServiceUnavailable(_("Busy; please try again."))


def _apply_payment_status(contribution_id: int, payment: ProviderPayment, source: str):
    result = ApplyResult(contribution_id)
    contribution = lock_contribution(contribution_id)
    if contribution is None:
        db.session.rollback()
        raise NotFound()
    ledger = _Ledger(contribution, source)
    prefix = f"{contribution.provider}:{contribution.provider_payment_id or contribution.id}"
    contribution.checked_at = utcnow()
    if payment.reference and not contribution.provider_reference:
        contribution.provider_reference = payment.reference

    def flag(reason: Flag, detail: str) -> None:
        if ledger.record(f"{prefix}:flag:{reason.value}", EventKind.FLAG, detail=detail):
            contribution.flagged = True
            contribution.flag_reason = f"{reason.value}: {detail}"[:200]
            result.flagged = True
            log.warning("contribution %s flagged: %s %s", contribution.id, reason, detail)

    claimed = str(payment.metadata.get("contribution_id") or "")
    if claimed and claimed != str(contribution.id):
        flag(Flag.METADATA_MISMATCH, f"provider metadata names contribution {claimed}")
        db.session.commit()
        return result

    status = ContributionStatus(payment.status)
    old = contribution.status
    if status == ContributionStatus.PAID:
        if payment.amount_cents != contribution.amount_cents or (
            payment.currency.upper() != contribution.currency
        ):
            flag(
                Flag.AMOUNT_MISMATCH,
                f"asked {format_cents(contribution.amount_cents)} {contribution.currency}, "
                f"provider reports {format_cents(payment.amount_cents)} {payment.currency.upper()}",
            )
            db.session.commit()
            return result
        if old not in PAID_FAMILY:
            contribution.status = ContributionStatus.PAID
            contribution.paid_at = payment.paid_at or utcnow()
            if payment.method:
                contribution.method = payment.method[:30]
            ledger.record(
                f"{prefix}:paid",
                EventKind.PAYMENT,
                contribution.amount_cents,
                from_status=old.value,
                to_status=ContributionStatus.PAID.value,
            )
            result.changed = result.newly_paid = True
            if old in UNPAID_FINAL:
                flag(Flag.LATE_PAYMENT, f"paid after the gift was marked {old.value}")
    elif status != old and can_transition(old, status):
        contribution.status = status
        ledger.record(
            f"{prefix}:status:{status.value}",
            EventKind.STATUS,
            from_status=old.value,
            to_status=status.value,
        )
        result.changed = True
    # Anything else (a late "expired" after "paid", "open" after "pending", ...) changes nothing.

    if contribution.status in PAID_FAMILY:
        for refund in payment.refunds:
            result.changed |= _apply_refund(contribution, refund, ledger, prefix)
        for chargeback in payment.chargebacks:
            result.changed |= _apply_chargeback(contribution, chargeback, ledger)
        _settle_paid_status(contribution, ledger, prefix)
    db.session.commit()
    return result


def _apply_refund(contribution, refund: ProviderRefund, ledger: _Ledger, prefix: str) -> bool:
    row = db.session.scalar(select(Refund).where(Refund.provider_refund_id == refund.refund_id))
    if row is not None and row.contribution_id != contribution.id:
        log.error("refund %s belongs to another contribution", refund.refund_id)
        return False
    if row is None:
        row = Refund(
            contribution_id=contribution.id,
            provider_refund_id=refund.refund_id,
            amount_cents=refund.amount_cents,
            currency=refund.currency.upper(),
            status=refund.status,
            counted=False,
        )
        db.session.add(row)
    elif row.status in ("refunded", "failed", "canceled") and row.status != refund.status:
        return False  # a final refund status never changes back (a stale answer)
    row.status = refund.status
    provider = contribution.provider
    if refund.counts and not row.counted:
        if row.amount_cents > contribution.net_cents:
            ledger.record(
                f"{prefix}:flag:refund-exceeds:{refund.refund_id}",
                EventKind.FLAG,
                detail=f"refund {refund.refund_id} exceeds what remains",
            )
            contribution.flagged = True
            contribution.flag_reason = "refund exceeds what remains"
            return True
        if ledger.record(
            f"{provider}:refund:{refund.refund_id}",
            EventKind.REFUND,
            -row.amount_cents,
            detail=refund.status,
        ):
            contribution.refunded_cents += row.amount_cents
            row.counted = True
            return True
    elif not refund.counts and row.counted:  # noqa: SIM102 (mirrors the branch above)
        if ledger.record(
            f"{provider}:refund:{refund.refund_id}:reversed",
            EventKind.REFUND_REVERSED,
            row.amount_cents,
            detail=refund.status,
        ):
            contribution.refunded_cents -= row.amount_cents
            row.counted = False
            return True
    return False


def _apply_chargeback(contribution, chargeback: ProviderChargeback, ledger: _Ledger) -> bool:
    provider = contribution.provider
    row = db.session.scalar(
        select(Chargeback).where(Chargeback.provider_chargeback_id == chargeback.chargeback_id)
    )
    changed = False
    if row is not None and row.contribution_id != contribution.id:
        return False
    if row is None:
        row = Chargeback(
            contribution_id=contribution.id,
            provider_chargeback_id=chargeback.chargeback_id,
            amount_cents=chargeback.amount_cents,
            currency=chargeback.currency.upper(),
            reason=chargeback.reason[:200],
        )
        db.session.add(row)
        if ledger.record(
            f"{provider}:chargeback:{chargeback.chargeback_id}",
            EventKind.CHARGEBACK,
            -row.amount_cents,
            detail=chargeback.reason[:200],
        ):
            contribution.charged_back_cents += row.amount_cents
            changed = True
    if chargeback.reversed and not row.reversed:
        row.reversed = True
        if ledger.record(
            f"{provider}:chargeback:{chargeback.chargeback_id}:reversed",
            EventKind.CHARGEBACK_REVERSED,
            row.amount_cents,
        ):
            contribution.charged_back_cents -= row.amount_cents
            changed = True
    return changed


def paid_family_status(contribution: Contribution) -> ContributionStatus:
    if contribution.charged_back_cents > 0:
        return ContributionStatus.CHARGED_BACK
    if contribution.refunded_cents >= contribution.amount_cents:
        return ContributionStatus.REFUNDED
    if contribution.refunded_cents > 0:
        return ContributionStatus.PARTIALLY_REFUNDED
    return ContributionStatus.PAID


def _settle_paid_status(contribution: Contribution, ledger: _Ledger, prefix: str) -> None:
    new = paid_family_status(contribution)
    old = contribution.status
    if new != old and can_transition(old, new):
        contribution.status = new


# --------------------------------------------------------------------- refreshing payments
def find_contribution(provider_name: str, payment_id: str) -> Contribution | None:
    return db.session.scalar(
        select(Contribution).where(
            Contribution.provider == provider_name,
            or_(
                Contribution.provider_payment_id == payment_id,
                Contribution.provider_reference == payment_id,
            ),
        )
    )


def refresh_payment(
    provider_name: str,
    payment_id: str,
    source: str = "webhook",
    extra_chargebacks: tuple[ProviderChargeback, ...] = (),
) -> ApplyResult | None:
    """Ask the provider about a payment and apply the answer; None for an id nobody knows.

    Raises ServiceUnavailable when the provider cannot be reached or the row lock times out.
    """
    provider = get_provider(provider_name)
    contribution = find_contribution(provider_name, payment_id)
    fetch_id = contribution.provider_payment_id if contribution else payment_id
    db.session.rollback()  # no transaction held open during the network call
    try:
        payment = provider.fetch_payment(fetch_id)
    except ProviderUnavailable as error:
        raise ServiceUnavailable(_("The payment service is not reachable right now.")) from error
    except ProviderRejected:
        payment = None
    if payment is None:
        return None
    if extra_chargebacks:
        payment = replace(payment, chargebacks=(*payment.chargebacks, *extra_chargebacks))
    if contribution is None:
        contribution = find_contribution(provider_name, payment.payment_id)
    if contribution is None:
        contribution = _contribution_for_subscription_payment(provider_name, payment)
        if contribution is None:
            return None
    result = apply_payment_status(contribution.id, payment, source)
    if payment.subscription_id and payment.first_of_subscription:
        _link_subscription(result.contribution_id, payment)
    after_apply(result)
    return result


def _link_subscription(contribution_id: int, payment: ProviderPayment) -> None:
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


def after_apply(result: ApplyResult) -> None:
    """Work that follows a committed status change: the receipt, the monthly subscription."""
    if not result.newly_paid:
        return
    send_receipt(result.contribution_id)
    contribution = db.session.get(Contribution, result.contribution_id)
    gift = contribution.recurring_gift if contribution else None
    if gift is not None and gift.first_contribution_id == contribution.id:
        try:
            activate_recurring_gift(gift.id)
        except ServiceUnavailable:
            log.warning("monthly gift %s not activated yet; reconcile retries", gift.id)


def _contribution_for_subscription_payment(provider_name, payment: ProviderPayment):
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


def refresh_for_donor(contribution: Contribution, source: str = "return") -> Contribution:
    """The donor's return (and the status polling) triggers the same refresh; errors are quiet."""
    if contribution.provider_payment_id and not contribution.status.is_paid_family:
        try:
            refresh_payment(contribution.provider, contribution.provider_payment_id, source)
        except (ServiceUnavailable, ProviderError) as error:
            log.info("refresh of contribution %s postponed: %s", contribution.id, error)
            db.session.rollback()
    return db.session.get(Contribution, contribution.id)


def poll_status(contribution: Contribution) -> Contribution:
    """Status for the return page's polling; asks the provider at most every few seconds."""
    checked = contribution.checked_at
    if not contribution.status.is_final and (
        checked is None or as_utc(checked) < utcnow() - STATUS_REFRESH_INTERVAL
    ):
        return refresh_for_donor(contribution, "poll")
    return contribution


# ------------------------------------------------------------------------------ refunds
def refund_contribution(admin: User, contribution_id: int, amount=None) -> Contribution:
    """Refund (part of) a paid gift through its provider; the answer goes through the one path."""
    if not admin.is_admin:
        raise NotAllowed()
    contribution = db.session.get(Contribution, contribution_id)
    if contribution is None:
        raise NotFound()
    remaining = contribution.refundable_cents
    if remaining <= 0:
        raise InvalidInput(_("There is nothing left to refund on this gift."), {})
    if amount in (None, ""):
        cents = remaining
    else:
        try:
            cents = parse_cents(amount)
        except InvalidAmount:
            raise InvalidInput(
                _("Please correct the marked fields."), {"amount": [_("Enter an amount.")]}
            ) from None
        if cents <= 0 or cents > remaining:
            raise InvalidInput(
                _("Please correct the marked fields."),
                {"amount": [_("At most %(max)s can be refunded.", max=display_money(remaining))]},
            )
    provider = get_provider(contribution.provider)
    # Deterministic: a double submit sends the same key and gets the same refund back.
    key = f"contribution-{contribution.id}-refund-{len(contribution.refunds) + 1}-{cents}"
    ref = ProviderPaymentRef(contribution.provider_payment_id, contribution.provider_reference)
    db.session.rollback()
    try:
        refund = provider.create_refund(ref, cents, contribution.currency, key)
    except ProviderUnavailable as error:
        raise ServiceUnavailable(
            _("The payment service is not reachable right now; nothing was refunded.")
        ) from error
    except ProviderRejected as error:
        raise InvalidInput(
            _("The payment service refused the refund: %(e)s", e=str(error)), {}
        ) from error
    contribution = db.session.get(Contribution, contribution_id)
    answer = ProviderPayment(
        payment_id=contribution.provider_payment_id,
        status="paid",
        amount_cents=contribution.amount_cents,
        currency=contribution.currency,
        refunds=(refund,),
    )
    apply_payment_status(contribution.id, answer, source="admin-refund")
    row = db.session.scalar(select(Refund).where(Refund.provider_refund_id == refund.refund_id))
    if row is not None and row.requested_by_id is None:
        row.requested_by_id = admin.id
        db.session.commit()
    return db.session.get(Contribution, contribution_id)


def flagged_contributions() -> list[Contribution]:
    return list(
        db.session.scalars(
            select(Contribution)
            .where(Contribution.flagged.is_(True))
            .order_by(Contribution.updated_at.desc())
        )
    )


def clear_flag(admin: User, contribution_id: int) -> None:
    """An admin has looked at a flagged contribution (the flag stays in the ledger)."""
    if not admin.is_admin:
        raise NotAllowed()
    contribution = db.session.get(Contribution, contribution_id)
    if contribution is None:
        raise NotFound()
    contribution.flagged = False
    db.session.add(
        ContributionEvent(
            contribution_id=contribution.id,
            event_key=f"admin:{contribution.id}:unflag:{utcnow().isoformat()}",
            kind=EventKind.FLAG,
            source="admin",
            detail=f"flag cleared by {admin.email}",
            currency=contribution.currency,
        )
    )
    db.session.commit()


# ---------------------------------------------------------------------- monthly giving
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
                gift.amount_cents,
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


def recurring_gifts_of(user: User) -> list[RecurringGift]:
    return list(
        db.session.scalars(
            select(RecurringGift)
            .where(
                RecurringGift.user_id == user.id,
                RecurringGift.status.in_([RecurringStatus.ACTIVE, RecurringStatus.PENDING]),
            )
            .order_by(RecurringGift.id.desc())
        )
    )


# ----------------------------------------------------------------------- reconciliation
@dataclass
class ReconcileReport:
    checked: int = 0
    changed: int = 0
    unreachable: int = 0
    expired_unstarted: int = 0
    activated: int = 0
    receipts: int = 0


def reconcile_payments(now: datetime | None = None) -> ReconcileReport:
    """Ask the provider about every contribution still open/pending after its expiry."""
    now = now or utcnow()
    report = ReconcileReport()
    stale = db.session.execute(
        select(Contribution.id, Contribution.provider, Contribution.provider_payment_id).where(
            Contribution.status.in_([ContributionStatus.OPEN, ContributionStatus.PENDING]),
            Contribution.provider_payment_id.is_not(None),
            or_(
                Contribution.checkout_expires_at < now,
                Contribution.checkout_expires_at.is_(None)
                & (Contribution.created_at < now - timedelta(hours=1)),
            ),
        )
    ).all()
    for _contribution_id, provider_name, payment_id in stale:
        report.checked += 1
        try:
            result = refresh_payment(provider_name, payment_id, source="reconcile")
        except ServiceUnavailable:
            db.session.rollback()
            report.unreachable += 1
            continue
        if result and result.changed:
            report.changed += 1
    report.expired_unstarted = _expire_unstarted(now)
    for gift_id in db.session.scalars(
        select(RecurringGift.id).where(
            RecurringGift.status.in_([RecurringStatus.PENDING, RecurringStatus.FAILED]),
            RecurringGift.provider_subscription_id.is_(None),
        )
    ).all():
        gift = db.session.get(RecurringGift, gift_id)
        first = db.session.get(Contribution, gift.first_contribution_id or 0)
        if first is not None and first.status in PAID_FAMILY:
            try:
                activate_recurring_gift(gift_id)
                report.activated += 1
            except ServiceUnavailable:
                db.session.rollback()
        elif first is not None and first.status in UNPAID_FINAL:
            gift.status = RecurringStatus.FAILED
            db.session.commit()
    for contribution_id in db.session.scalars(
        select(Contribution.id).where(
            Contribution.paid_at.is_not(None),
            Contribution.receipt_sent_at.is_(None),
            Contribution.paid_at > now - timedelta(days=7),
        )
    ).all():
        report.receipts += int(send_receipt(contribution_id))
    return report


def _expire_unstarted(now: datetime) -> int:
    """Open contributions whose provider call never succeeded expire after an hour."""
    ids = db.session.scalars(
        select(Contribution.id).where(
            Contribution.status == ContributionStatus.OPEN,
            Contribution.provider_payment_id.is_(None),
            Contribution.created_at < now - timedelta(hours=1),
        )
    ).all()
    for contribution_id in ids:
        answer = ProviderPayment(payment_id="", status="expired", amount_cents=0, currency="EUR")
        apply_payment_status(contribution_id, answer, source="reconcile")
    return len(ids)


# ------------------------------------------------------------------------------ receipts
def send_receipt(contribution_id: int) -> bool:
    """Send the thank-you mail with the gift receipt data, exactly once per paid contribution."""
    from marketplace.donations.receipts import receipt_mail
    from marketplace.mail import send_mail

    if not current_app.config.get("DONATION_RECEIPTS_ENABLED", True):
        return False
    claimed = db.session.execute(
        update(Contribution)
        .where(Contribution.id == contribution_id, Contribution.receipt_sent_at.is_(None))
        .where(Contribution.paid_at.is_not(None))
        .values(receipt_sent_at=utcnow())
    ).rowcount
    db.session.commit()
    if not claimed:
        return False
    contribution = db.session.get(Contribution, contribution_id)
    if not contribution.donor_email:
        return False
    try:
        send_mail(receipt_mail(contribution))
    except Exception:  # noqa: BLE001 - mail must never break a payment; reconcile retries
        log.exception("receipt for contribution %s not sent", contribution_id)
        db.session.execute(
            update(Contribution)
            .where(Contribution.id == contribution_id)
            .values(receipt_sent_at=None)
        )
        db.session.commit()
        return False
    return True


# --------------------------------------------------------------------------------- reads
def own_contribution(user, contribution_id: int) -> Contribution:
    """A donor's own contribution; anybody else's is 'not found'."""
    contribution = db.session.get(Contribution, contribution_id)
    if contribution is None or user is None or not user.is_authenticated:
        raise NotFound()
    if contribution.user_id != user.id:
        raise NotFound()
    return contribution


def contributions_of(user: User, page: int = 1, per_page: int = 20):
    return db.paginate(
        select(Contribution)
        .where(Contribution.user_id == user.id)
        .order_by(Contribution.created_at.desc(), Contribution.id.desc()),
        page=page,
        per_page=per_page,
        error_out=False,
    )


def provider_for(contribution: Contribution) -> PaymentProvider:
    return get_provider(contribution.provider)
