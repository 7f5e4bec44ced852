"""The yearly statement per investor (/investments/statements/<year>, PDF and CSV): per
subscription the value on 1 January (the box 3 reference date), what was paid in, interest and
repayments received and what was written off in the year, and the value at the year's end.

Everything is read from the investor's ledger by the Amsterdam day the money moved: the value
on a date is what was paid in, net of refunds, minus principal received and written off by then
(a claim: a reserved subscription or a refund still owed counts too).
"""

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from flask import render_template
from sqlalchemy import func, select

from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.investments.ledger import today
from marketplace.investments.models import (
    PAID_IN_KINDS,
    EntryKind,
    Subscription,
    SubscriptionEvent,
)
from marketplace.money import format_cents

MONEY_KINDS = (*PAID_IN_KINDS, EntryKind.INTEREST, EntryKind.PRINCIPAL, EntryKind.WRITE_OFF)


@dataclass(frozen=True)
class StatementRow:
    subscription: Subscription
    value_start_cents: int  # on 1 January
    paid_in_cents: int  # net of refunds, in the year
    interest_cents: int
    repaid_cents: int
    written_off_cents: int
    value_end_cents: int  # on 31 December

    @property
    def offer(self):
        return self.subscription.offer


@dataclass(frozen=True)
class YearStatement:
    year: int
    investor: User
    rows: list[StatementRow]
    made_on: date

    def total(self, name: str) -> int:
        return sum(getattr(row, name) for row in self.rows)


def _value(sums: dict, up_to: date) -> int:
    """The claim's value at the end of `up_to` from the per-kind sums dated on or before it."""
    paid = sum(
        cents for (kind, day), cents in sums.items() if kind in PAID_IN_KINDS and day <= up_to
    )
    back = sum(
        cents
        for (kind, day), cents in sums.items()
        if kind in (EntryKind.PRINCIPAL, EntryKind.WRITE_OFF) and day <= up_to
    )
    return max(paid - back, 0)


def _in_year(sums: dict, kinds, year: int) -> int:
    return sum(cents for (kind, day), cents in sums.items() if kind in kinds and day.year == year)


def year_statement(user: User, year: int) -> YearStatement:
    """The investor's own subscriptions (not those on an organisation's behalf) in `year`."""
    subscriptions = list(
        db.session.scalars(
            select(Subscription)
            .where(Subscription.user_id == user.id, Subscription.organisation_id.is_(None))
            .order_by(Subscription.id)
        )
    )
    sums: dict[int, dict] = defaultdict(lambda: defaultdict(int))
    if subscriptions:
        for subscription_id, kind, day, cents in db.session.execute(
            select(
                SubscriptionEvent.subscription_id,
                SubscriptionEvent.kind,
                SubscriptionEvent.occurred_on,
                func.sum(SubscriptionEvent.amount_cents),
            )
            .where(
                SubscriptionEvent.subscription_id.in_([s.id for s in subscriptions]),
                SubscriptionEvent.kind.in_(list(MONEY_KINDS)),
                SubscriptionEvent.occurred_on <= date(year, 12, 31),
            )
            .group_by(
                SubscriptionEvent.subscription_id,
                SubscriptionEvent.kind,
                SubscriptionEvent.occurred_on,
            )
        ):
            sums[subscription_id][(EntryKind(kind), day)] += int(cents or 0)
    rows = []
    for subscription in subscriptions:
        entries = sums.get(subscription.id, {})
        row = StatementRow(
            subscription=subscription,
            value_start_cents=_value(entries, date(year - 1, 12, 31)),
            paid_in_cents=_in_year(entries, PAID_IN_KINDS, year),
            interest_cents=_in_year(entries, (EntryKind.INTEREST,), year),
            repaid_cents=_in_year(entries, (EntryKind.PRINCIPAL,), year),
            written_off_cents=_in_year(entries, (EntryKind.WRITE_OFF,), year),
            value_end_cents=_value(entries, date(year, 12, 31)),
        )
        if any((row.value_start_cents, row.paid_in_cents, row.interest_cents, row.repaid_cents,
                row.written_off_cents, row.value_end_cents)):  # fmt: skip
            rows.append(row)
    return YearStatement(year, user, rows, today())


def statement_years(user: User) -> list[int]:
    """Years in which the investor's money moved, and the current year, newest first."""
    days = db.session.scalars(
        select(SubscriptionEvent.occurred_on)
        .join(Subscription, Subscription.id == SubscriptionEvent.subscription_id)
        .where(
            Subscription.user_id == user.id,
            Subscription.organisation_id.is_(None),
            SubscriptionEvent.kind.in_(list(MONEY_KINDS)),
        )
        .distinct()
    ).all()
    years = {day.year for day in days} | {today().year}
    if days:  # a claim held over a year end needs that next year's statement too
        years |= set(range(min(years), today().year + 1))
    return sorted(years, reverse=True)


CSV_COLUMNS = [
    "subscription_id", "offer_id", "offer", "initiative", "kind", "status",
    "value_1_january_eur", "paid_in_eur", "interest_eur", "repaid_eur", "written_off_eur",
    "value_31_december_eur",
]  # fmt: skip


def safe_cell(text: str) -> str:
    """Spreadsheet formula injection: text starting with = + - @ gets a quote in front."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def statement_csv(statement: YearStatement) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    names = ("value_start_cents", "paid_in_cents", "interest_cents", "repaid_cents",
             "written_off_cents", "value_end_cents")  # fmt: skip
    for row in statement.rows:
        offer, subscription = row.offer, row.subscription
        writer.writerow(
            [
                subscription.id,
                offer.id,
                safe_cell(offer.title),
                safe_cell(offer.initiative.name),
                offer.kind.value,
                subscription.status.value,
                *(format_cents(getattr(row, name)) for name in names),
            ]
        )
    writer.writerow(
        ["total", "", "", "", "", "", *(format_cents(statement.total(n)) for n in names)]
    )
    return buffer.getvalue()


def statement_pdf(statement: YearStatement) -> bytes:
    from weasyprint import HTML

    return HTML(
        string=render_template("investments/statement_pdf.html", statement=statement)
    ).write_pdf()
