"""Summaries for pages, the API and the portfolio: an offer's schedule (the sum of its investors'
schedules, or an example), and a funder's investments per initiative and kind."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select

from marketplace.errors import Conflict, InvalidInput
from marketplace.extensions import db
from marketplace.investments.ledger import today
from marketplace.investments.models import (
    INVESTED,
    Offer,
    OfferStatus,
    Subscription,
    SubscriptionStatus,
)
from marketplace.investments.positions import holding_flows, standings
from marketplace.investments.repayments import active_subscriptions
from marketplace.investments.returns import xirr
from marketplace.investments.schedules import repayment_schedule
from marketplace.money import InvalidAmount, format_cents, parse_cents
from marketplace.timeutil import to_amsterdam


def _instalment_rows(schedules, positions, on: date) -> list[dict]:
    rows: dict[int, dict] = {}
    for index, schedule in enumerate(schedules):
        position = positions[index] if positions else None
        for k, instalment in enumerate(schedule.instalments):
            row = rows.setdefault(
                instalment.number,
                {"number": instalment.number, "due_date": instalment.due_date, "interest": 0,
                 "principal": 0, "outstanding": 0, "paid": 0 if positions else None},
            )  # fmt: skip
            row["interest"] += instalment.interest_cents
            row["principal"] += instalment.principal_cents
            row["outstanding"] += instalment.outstanding_cents
            if position is not None:
                entry = position.instalments[k]
                row["paid"] += entry.interest_paid_cents + entry.principal_paid_cents
    result = []
    for row in sorted(rows.values(), key=lambda r: r["number"]):
        total = row["interest"] + row["principal"]
        open_cents = None if row["paid"] is None else total - row["paid"]
        result.append(
            {
                "number": row["number"],
                "due_date": row["due_date"].isoformat(),
                "interest": format_cents(row["interest"]),
                "principal": format_cents(row["principal"]),
                "total": format_cents(total),
                "outstanding": format_cents(row["outstanding"]),
                "paid": None if row["paid"] is None else format_cents(row["paid"]),
                "open": None if open_cents is None else format_cents(open_cents),
                "late": None if open_cents is None else bool(open_cents and row["due_date"] < on),
            }
        )
    return result


def offer_schedule(offer: Offer, amount=None) -> dict:
    """The offer's repayment schedule: once funded, the sum of its investors' schedules with what
    was paid on each instalment; before, an example for `amount` (default the target)."""
    if not offer.kind.has_schedule:
        raise Conflict(_("Member shares have no repayment schedule: a member is repaid at exit."))
    on = today()
    funded = offer.repayment_start is not None and offer.status != OfferStatus.FAILED
    if funded and amount in (None, ""):
        current = standings(active_subscriptions(offer.id) + _finished(offer.id), on)
        schedules = [st.schedule for st in current if st.schedule]
        positions = [st.position for st in current if st.schedule]
        basis, principal = "subscriptions", sum(s.principal_cents for s in schedules)
        received = sum(st.received_cents for st in current)
        start = offer.repayment_start
    else:
        principal = _example_principal(offer, amount)
        start = offer.repayment_start or to_amsterdam(offer.closes_at).date()
        schedules = [_example(offer, principal, start)]
        positions, received = None, None
        basis = "amount" if amount not in (None, "") else "target"
    interest = sum(s.total_interest_cents for s in schedules)
    return {
        "offer_id": offer.id,
        "basis": basis,
        "principal": format_cents(principal),
        "interest_rate": str(offer.interest_rate),
        "repayment": offer.repayment.value,
        "frequency": offer.frequency.value,
        "term_months": offer.term_months,
        "start_date": start.isoformat(),
        "total_interest": format_cents(interest),
        "total": format_cents(principal + interest),
        "received": None if received is None else format_cents(received),
        "instalments": _instalment_rows(schedules, positions, on) if schedules else [],
    }


def _finished(offer_id: int) -> list[Subscription]:
    return list(
        db.session.scalars(
            select(Subscription).where(
                Subscription.offer_id == offer_id,
                Subscription.status.in_(
                    [SubscriptionStatus.REPAID, SubscriptionStatus.WRITTEN_OFF]
                ),
            )
        )
    )


def _example_principal(offer: Offer, amount) -> int:
    if amount in (None, ""):
        return offer.target_cents
    try:
        cents = parse_cents(amount)
    except InvalidAmount:
        cents = 0
    if cents <= 0:
        raise InvalidInput(
            _("Please correct the marked fields."), {"amount": [_("Enter an amount in euros.")]}
        )
    return cents


def _example(offer: Offer, principal: int, start: date):
    return repayment_schedule(
        principal,
        offer.interest_rate,
        repayment=offer.repayment,
        frequency=offer.frequency,
        term_months=offer.term_months,
        start_date=start,
    )


# --------------------------------------------------------------------- for the portfolio
@dataclass(frozen=True)
class InvestmentHolding:
    """A funder's investments of one kind in one initiative, at a date."""

    initiative_id: int
    kind: str
    invested_cents: int
    outstanding_cents: int
    interest_received_cents: int
    principal_back_cents: int
    written_off_cents: int
    expected_cents: int | None
    received_cents: int
    xirr: Decimal | None
    status: str  # the status of the latest offer in it
    offer_ids: tuple[int, ...]


def _funder_filter(user_id: int | None, organisation_id: int | None):
    if organisation_id is not None:
        return (Subscription.organisation_id == organisation_id,)
    return (Subscription.user_id == user_id, Subscription.organisation_id.is_(None))


def investment_holdings(
    user_id: int | None, organisation_id: int | None, on: date | None = None
) -> dict[tuple[int, str], InvestmentHolding]:
    """The funder's (a person's own, or an organisation's) investments per (initiative, kind)."""
    on = on or today()
    subscriptions = list(
        db.session.scalars(
            select(Subscription)
            .join(Offer, Offer.id == Subscription.offer_id)
            .where(
                *_funder_filter(user_id, organisation_id), Subscription.status.in_(list(INVESTED))
            )
            .order_by(Subscription.id)
        )
    )
    groups: dict[tuple[int, str], list] = defaultdict(list)
    for standing in standings(subscriptions, on):
        offer = standing.subscription.offer
        groups[(offer.initiative_id, offer.kind.value)].append(standing)
    return {key: _holding(key, group, on) for key, group in groups.items()}


def _holding(key: tuple[int, str], group: list, on: date) -> InvestmentHolding:
    expected = [s.expected_cents for s in group if s.expected_cents is not None]
    latest = max(group, key=lambda s: s.subscription.offer_id).subscription.offer
    return InvestmentHolding(
        initiative_id=key[0],
        kind=key[1],
        invested_cents=sum(s.invested_cents for s in group),
        outstanding_cents=sum(s.outstanding_cents for s in group),
        interest_received_cents=sum(s.interest_cents for s in group),
        principal_back_cents=sum(s.principal_back_cents for s in group),
        written_off_cents=sum(s.written_off_cents for s in group),
        expected_cents=sum(expected) if expected else None,
        received_cents=sum(s.received_cents for s in group),
        xirr=xirr(holding_flows(group, on)),
        status=latest.status.value,
        offer_ids=tuple(sorted({s.subscription.offer_id for s in group})),
    )
