"""The admin's side of gifts: refunding (part of) a paid gift, the flagged ones to look at and
resolving them with a note."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.donations import routing
from marketplace.donations.checkout import display_money
from marketplace.donations.models import Contribution, ContributionEvent, EventKind, Refund
from marketplace.donations.providers import get_provider
from marketplace.donations.providers.base import (
    ProviderPayment,
    ProviderPaymentRef,
    ProviderRejected,
    ProviderUnavailable,
)
from marketplace.donations.status import apply_payment_status, lock_contribution
from marketplace.errors import InvalidInput, NotAllowed, NotFound, ServiceUnavailable
from marketplace.extensions import db
from marketplace.money import InvalidAmount, parse_cents
from marketplace.timeutil import utcnow


def refund_contribution(admin: User, contribution_id: int, amount=None) -> Contribution:
    """Refund (part of) a paid gift through its provider; the answer goes through the one path."""
    if not admin.is_admin:
        raise NotAllowed()
    contribution = db.session.get(Contribution, contribution_id)
    if contribution is None:
        raise NotFound()
    cents = _refund_cents(contribution, amount)
    provider = get_provider(contribution.provider)
    # Deterministic: a double submit sends the same key and gets the same refund back.
    key = f"contribution-{contribution.id}-refund-{len(contribution.refunds) + 1}-{cents}"
    ref = ProviderPaymentRef(
        contribution.provider_payment_id,
        contribution.provider_reference,
        routing.connected_account(contribution),
    )
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
        amount_cents=contribution.charged_cents,
        currency=contribution.currency,
        refunds=(refund,),
    )
    apply_payment_status(contribution.id, answer, source="admin-refund")
    row = db.session.scalar(select(Refund).where(Refund.provider_refund_id == refund.refund_id))
    if row is not None and row.requested_by_id is None:
        row.requested_by_id = admin.id
        db.session.commit()
    return db.session.get(Contribution, contribution_id)


def _refund_cents(contribution: Contribution, amount) -> int:
    """The amount to refund: all that remains by default, never more."""
    remaining = contribution.refundable_cents
    if remaining <= 0:
        raise InvalidInput(_("There is nothing left to refund on this gift."), {})
    if amount in (None, ""):
        return remaining
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
    return cents


def flagged_contributions() -> list[Contribution]:
    """Contributions an admin must look at, the latest changed first."""
    return list(
        db.session.scalars(
            select(Contribution)
            .where(Contribution.flagged.is_(True))
            .order_by(Contribution.updated_at.desc())
        )
    )


NOTE_MAX = 1000


def resolve_flag(admin: User, contribution_id: int, note: str) -> Contribution:
    """An admin resolves a flagged gift with a note; who, when and why stay in the ledger.

    Under the gift's row lock, so a webhook that flags it again at the same moment is not lost:
    it either comes first (and is resolved with it) or after (and flags anew).
    """
    if not admin.is_admin:
        raise NotAllowed()
    note = (note or "").strip()
    if not note or len(note) > NOTE_MAX:
        message = (
            _("At most %(n)d characters.", n=NOTE_MAX)
            if note
            else _("Say what was done or why nothing needs to be done.")
        )
        raise InvalidInput(_("Please correct the marked fields."), {"note": [message]})
    contribution = lock_contribution(contribution_id)
    if contribution is None:
        db.session.rollback()
        raise NotFound()
    if contribution.flagged:
        db.session.add(
            ContributionEvent(
                contribution_id=contribution.id,
                event_key=f"admin:{contribution.id}:resolved:{utcnow().isoformat()}",
                kind=EventKind.FLAG,
                from_status="flagged",
                to_status="resolved",
                source="admin",
                detail=f"resolved by {admin.email}: {note}",
                currency=contribution.currency,
            )
        )
        contribution.flagged = False
    db.session.commit()
    return contribution
