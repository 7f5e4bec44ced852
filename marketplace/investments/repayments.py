"""Money back: instalments the initiative records, split over the investors' ledgers to the
cent; late instalments flagged and reminded; a default written off; a member leaving.

An instalment is split in two tiers, each with `distribution.pro_rata` (largest remainder):
first what is due (each investor's open amount on instalments due by the payment date), then
anything beyond it in proportion to what each investor is still owed on the rest of the schedule.
So a payment of exactly what is due gives every investor exactly their own instalment, and no
investor is paid more than they are owed. Each investor's share is then allocated to interest
and principal by their own schedule (`schedules.expected_vs_received`).
"""

from datetime import date, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from marketplace import signals
from marketplace.accounts.models import User
from marketplace.donations.checkout import display_money
from marketplace.errors import Conflict, InvalidInput, NotAllowed, NotFound
from marketplace.extensions import db
from marketplace.investments.distribution import pro_rata
from marketplace.investments.ledger import InvestorLedger, today
from marketplace.investments.models import (
    EntryKind,
    Offer,
    OfferKind,
    OfferStatus,
    RepaymentRecord,
    Subscription,
    SubscriptionStatus,
    can_move,
)
from marketplace.investments.notices import queue_late_reminders
from marketplace.investments.offers import managed_offer
from marketplace.investments.payments import lock_offer, move
from marketplace.investments.positions import received_payments, schedule_of, standings
from marketplace.investments.schedules import Payment, expected_vs_received
from marketplace.money import InvalidAmount, parse_cents
from marketplace.timeutil import utcnow

REPAYING = (OfferStatus.FUNDED, OfferStatus.REPAYING)


def _invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput(_("Please correct the marked fields."), {field: [message]})


def active_subscriptions(offer_id: int) -> list[Subscription]:
    return list(
        db.session.scalars(
            select(Subscription)
            .where(
                Subscription.offer_id == offer_id,
                Subscription.status == SubscriptionStatus.ACTIVE,
            )
            .order_by(Subscription.id)
        )
    )


def _notify(offer: Offer, reason: str) -> None:
    signals.notify(
        signals.investment_changed,
        initiative_id=offer.initiative_id,
        offer_id=offer.id,
        kind=offer.kind.value,
        reason=reason,
    )


def _split(subscriptions, payments, amount_cents: int, paid_on: date) -> dict[int, int]:
    """Each subscription's share of an instalment (the two tiers of the module docstring)."""
    due, rest = {}, {}
    for s in subscriptions:
        schedule = schedule_of(s.offer, s.amount_cents)
        position = expected_vs_received(schedule, payments[s.id], paid_on)
        owed = schedule.total_cents - sum(p.amount_cents for p in payments[s.id])
        due[s.id] = min(position.arrears_cents, owed)
        rest[s.id] = owed - due[s.id]
    owed_total = sum(due.values()) + sum(rest.values())
    if amount_cents > owed_total:
        raise _invalid(
            "amount",
            _("That is more than is still owed (%(owed)s).", owed=display_money(owed_total)),
        )
    first = min(amount_cents, sum(due.values()))
    shares = pro_rata(first, due) if first else dict.fromkeys(due, 0)
    if amount_cents > first:
        for key, cents in pro_rata(amount_cents - first, rest).items():
            shares[key] += cents
    return shares


def _check_day(offer: Offer, paid_on: date | None) -> date:
    paid_on = paid_on or today()
    if paid_on > today():
        raise _invalid("paid_on", _("The payment date cannot be in the future."))
    if paid_on < offer.repayment_start:
        raise _invalid("paid_on", _("The payment date cannot be before the money was released."))
    last = db.session.scalar(
        select(RepaymentRecord.paid_on)
        .where(RepaymentRecord.offer_id == offer.id)
        .order_by(RepaymentRecord.paid_on.desc())
        .limit(1)
    )
    if last and paid_on < last:
        raise _invalid(
            "paid_on",
            _("Record instalments in date order (the last was on %(d)s).", d=last.isoformat()),
        )
    return paid_on


def record_repayment(
    user: User, offer_id: int, amount, paid_on: date | None = None, note: str = ""
):
    """The owner records an instalment paid to the investors; it is split into each investor's
    ledger in the same transaction. A non-owner gets 404; an offer not repaying, 409."""
    managed_offer(offer_id, user)
    try:
        cents = parse_cents(amount)
    except InvalidAmount:
        raise _invalid("amount", _("Enter an amount in euros, for example 188.71.")) from None
    if cents <= 0:
        raise _invalid("amount", _("Must be more than zero."))
    offer = lock_offer(offer_id)
    if offer.status not in REPAYING or not offer.kind.has_schedule:
        db.session.rollback()
        raise Conflict(_("Instalments can only be recorded for a funded loan or bond."))
    paid_on = _check_day(offer, paid_on)
    subscriptions = active_subscriptions(offer.id)
    payments = received_payments([s.id for s in subscriptions])
    shares = _split(subscriptions, payments, cents, paid_on)
    record = RepaymentRecord(
        offer_id=offer.id, amount_cents=cents, paid_on=paid_on, note=(note or "")[:500],
        recorded_by_id=user.id,
    )  # fmt: skip
    db.session.add(record)
    db.session.flush()
    split = {s.id: _credit(s, record, payments[s.id], shares[s.id]) for s in subscriptions}
    if offer.status == OfferStatus.FUNDED:
        offer.status = OfferStatus.REPAYING
    if subscriptions and all(s.status == SubscriptionStatus.REPAID for s in subscriptions):
        offer.status = OfferStatus.REPAID
        offer.late_since = None
    db.session.commit()
    _notify(offer, "repayment")
    return record, split


def _credit(subscription: Subscription, record: RepaymentRecord, before, share: int) -> tuple:
    """One investor's share into their ledger as interest and principal; (interest, principal)."""
    if share <= 0:
        return 0, 0
    schedule = schedule_of(subscription.offer, subscription.amount_cents)
    on = record.paid_on
    old = expected_vs_received(schedule, before, on)
    new = expected_vs_received(schedule, [*before, Payment(on, share)], on)
    interest = new.received_interest_cents - old.received_interest_cents
    principal = new.received_principal_cents - old.received_principal_cents
    interest += new.surplus_cents - old.surplus_cents  # never more than owed: not expected
    ledger = InvestorLedger(subscription, "repayment")
    prefix = f"repayment:{record.id}:subscription:{subscription.id}"
    for kind, cents in ((EntryKind.INTEREST, interest), (EntryKind.PRINCIPAL, principal)):
        if cents:
            ledger.record(
                f"{prefix}:{kind.value}", kind, cents, on=on, repayment_id=record.id, fresh=True
            )
    if new.outstanding_cents == 0 and all(p.is_paid for p in new.instalments):
        move(subscription, SubscriptionStatus.REPAID, ledger)
    return interest, principal


def flag_late_instalments(grace_days: int | None = None, on: date | None = None) -> int:
    """Flag offers with an instalment open past its due date (plus the grace days) and remind
    their owners once per late instalment; clear the flag once paid. Returns the late count."""
    if grace_days is None:
        grace_days = int(current_app.config.get("INVESTMENT_LATE_GRACE_DAYS", 3))
    on = on or today()
    cutoff = on - timedelta(days=grace_days)
    late = 0
    for offer in db.session.scalars(
        select(Offer).where(Offer.status.in_(list(REPAYING)), Offer.kind != OfferKind.MEMBER_SHARE)
    ).all():
        oldest, open_cents = _oldest_open(offer, on, cutoff)
        offer.late_since = oldest
        if oldest is not None:
            late += 1
            queue_late_reminders(offer, oldest, open_cents)
        db.session.commit()
    return late


def _oldest_open(offer: Offer, on: date, cutoff: date) -> tuple[date | None, int]:
    """The oldest instalment due by `cutoff` still open after the payments made by `on`."""
    oldest, open_cents = None, 0
    for standing in standings(active_subscriptions(offer.id), on):
        if standing.position is None:
            continue
        for entry in standing.position.instalments:
            if entry.instalment.due_date <= cutoff and entry.open_cents:
                open_cents += entry.open_cents
                due = entry.instalment.due_date
                oldest = due if oldest is None else min(oldest, due)
    return oldest, open_cents


def declare_default(admin: User, offer_id: int, note: str = "") -> Offer:
    """An admin declares a funded loan or bond in default: what is outstanding is written off."""
    if not admin.is_admin:
        raise NotAllowed(_("Only administrators may do this."))
    offer = lock_offer(offer_id)
    if not can_move(offer.kind, offer.status, OfferStatus.DEFAULTED):
        db.session.rollback()
        raise Conflict(_("Only a funded loan or bond that is being repaid can default."))
    for standing in standings(active_subscriptions(offer.id)):
        subscription = standing.subscription
        ledger = InvestorLedger(subscription, "default")
        if standing.outstanding_cents:
            ledger.record(
                f"default:{offer.id}:subscription:{subscription.id}",
                EntryKind.WRITE_OFF,
                standing.outstanding_cents,
                detail=(note or "")[:500],
            )
        move(subscription, SubscriptionStatus.WRITTEN_OFF, ledger)
    offer.status, offer.defaulted_at = OfferStatus.DEFAULTED, utcnow()
    offer.review_note = (note or offer.review_note)[:2000]
    db.session.commit()
    _notify(offer, "default")
    return offer


def record_exit(user: User, subscription_id: int, on: date | None = None) -> Subscription:
    """A member leaves the cooperative and is repaid the nominal value (owners and admins)."""
    subscription = db.session.get(Subscription, subscription_id)
    if subscription is None:
        raise NotFound(_("This subscription does not exist."))
    managed_offer(subscription.offer_id, user)
    on = on or today()
    offer = lock_offer(subscription.offer_id)
    subscription = db.session.get(Subscription, subscription_id)
    if offer.kind != OfferKind.MEMBER_SHARE or subscription.status != SubscriptionStatus.ACTIVE:
        db.session.rollback()
        raise Conflict(_("Only an active member can leave."))
    if on > today() or on < offer.repayment_start:
        db.session.rollback()
        raise _invalid(
            "exited_on", _("Choose a date between the start of the membership and today.")
        )
    ledger = InvestorLedger(subscription, "exit")
    ledger.record(
        f"exit:subscription:{subscription.id}", EntryKind.PRINCIPAL, subscription.net_cents, on=on
    )
    subscription.exited_on = on
    move(subscription, SubscriptionStatus.REPAID, ledger)
    db.session.commit()
    _notify(offer, "exit")
    return subscription
