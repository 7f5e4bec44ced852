"""Invested capital as an input of initiatives, for the shared figures (`figures.build`).

Invested capital counts at the principal not yet repaid (docs/decisions.md): a subscription adds
its net paid-in amount in the month its offer was funded, and every principal repayment (an
instalment's principal part, a member's nominal value at exit) takes its amount off in the month
it was received. A written-off principal keeps counting: it paid for the initiative's work and
will not come back, as a gift would not.
"""

from collections.abc import Iterable
from datetime import date, datetime, time

from sqlalchemy import select

from marketplace.extensions import db
from marketplace.investments.models import (
    INVESTED,
    EntryKind,
    Offer,
    Subscription,
    SubscriptionEvent,
)
from marketplace.timeutil import AMSTERDAM, amsterdam_month, as_utc, month_start


def _noon(day: date) -> datetime:
    return as_utc(datetime.combine(day, time(12), tzinfo=AMSTERDAM))


def invested_deltas(initiative_ids: list[int]) -> Iterable[tuple]:
    """(initiative, person, organisation, kind, moment, cents) of every change in invested
    capital: + when an offer was funded, − for each principal repayment."""
    if not initiative_ids:
        return
    funded = db.session.execute(
        select(
            Offer.initiative_id,
            Subscription.user_id,
            Subscription.organisation_id,
            Offer.kind,
            Offer.closed_at,
            Subscription.paid_cents - Subscription.refunded_cents - Subscription.charged_back_cents,
        )
        .join(Offer, Offer.id == Subscription.offer_id)
        .where(Offer.initiative_id.in_(initiative_ids), Subscription.status.in_(list(INVESTED)))
        .order_by(Subscription.id)
    )
    for initiative_id, user_id, organisation_id, kind, closed_at, cents in funded:
        if cents:
            yield initiative_id, user_id, organisation_id, kind.value, as_utc(closed_at), int(cents)
    repaid = db.session.execute(
        select(
            Offer.initiative_id,
            Subscription.user_id,
            Subscription.organisation_id,
            Offer.kind,
            SubscriptionEvent.occurred_on,
            SubscriptionEvent.amount_cents,
        )
        .join(Subscription, Subscription.id == SubscriptionEvent.subscription_id)
        .join(Offer, Offer.id == Subscription.offer_id)
        .where(
            Offer.initiative_id.in_(initiative_ids),
            SubscriptionEvent.kind == EntryKind.PRINCIPAL,
            Subscription.status.in_(list(INVESTED)),
        )
        .order_by(SubscriptionEvent.id)
    )
    for initiative_id, user_id, organisation_id, kind, day, cents in repaid:
        if cents:
            yield initiative_id, user_id, organisation_id, kind.value, _noon(day), -int(cents)


def invested_cents_by_month(initiative_ids: list[int]) -> Iterable[tuple[int, date, int]]:
    """(initiative, Amsterdam month, cents) of the changes in invested capital."""
    for initiative_id, _user, _organisation, _kind, moment, cents in invested_deltas(
        initiative_ids
    ):
        yield initiative_id, month_start(amsterdam_month(moment)), cents


def initiatives_with_investments() -> list[int]:
    return list(db.session.scalars(select(Offer.initiative_id).distinct()))
