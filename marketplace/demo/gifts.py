"""Demo gifts: what the demo donor (and the foundation's staff member, personally) gave.

A giver's one-off gifts and monthly payments are made in the order of their dates, so their ids,
and with them the giver's history on /account, follow the calendar. Idempotent without keys of
its own: per giver and initiative, the one-off gifts that exist are the first ones of the plan;
a monthly gift collects only the months it lacks.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select

from marketplace.accounts.models import User
from marketplace.demo.payments import Gift, Monthly, collect_monthly, give
from marketplace.donations.models import Contribution, Interval, RecurringGift
from marketplace.extensions import db
from marketplace.initiatives.models import Initiative

DONOR_GIFTS = [
    Gift(0, 2500, 530, message="Mooi werk!"),
    Gift(0, 2500, 400),
    Gift(1, 5000, 300, anonymous=True),
    Gift(9, 4000, 250, refund_cents=1500),  # partly refunded by the admin
    Gift(2, 1500, 200, message="Succes met het café."),
    Gift(13, 3000, 180, method="creditcard", chargeback_cents=3000),  # disputed at the bank
    Gift(8, 3500, 120),
    Gift(0, 2500, 30),
    Gift(6, 2500, 5, outcome="canceled"),  # the donor changed their mind at the checkout
]
DONOR_MONTHLY = Monthly(16, 1000, 6)  # still running
STAFF_GIFTS = [Gift(20, 5000, 75, message="Mooi initiatief!")]


@dataclass
class Giver:
    """Who gives (for an organisation or not), and the context every gift of theirs needs."""

    user: User
    initiatives: list[Initiative]
    now: datetime
    admin: User | None = None  # refunds are the admin's
    organisation_id: int | None = None
    made: Counter = field(default_factory=Counter)  # one-off gifts per initiative id

    def owns(self, column):
        """A WHERE clause: personal, or for the organisation."""
        if self.organisation_id is None:
            return column.is_(None)
        return column == self.organisation_id


def given_so_far(giver: Giver) -> Counter:
    """How many one-off gifts the giver made to each initiative."""
    rows = db.session.execute(
        select(Contribution.initiative_id, func.count())
        .where(
            Contribution.user_id == giver.user.id,
            giver.owns(Contribution.organisation_id),
            Contribution.interval == Interval.ONCE,
        )
        .group_by(Contribution.initiative_id)
    )
    return Counter(dict(rows.all()))


def monthly_gift(giver: Giver, plan: Monthly) -> RecurringGift | None:
    return db.session.scalar(
        select(RecurringGift).where(
            RecurringGift.user_id == giver.user.id,
            RecurringGift.initiative_id == giver.initiatives[plan.initiative].id,
            giver.owns(RecurringGift.organisation_id),
        )
    )


def give_once(giver: Giver, gift: Gift, done: Counter) -> bool:
    """The gift, unless the giver's existing gifts to that initiative already include it."""
    initiative = giver.initiatives[gift.initiative]
    giver.made[initiative.id] += 1
    if giver.made[initiative.id] <= done[initiative.id]:
        return False
    give(giver.user, initiative, gift, giver.now, giver.admin, giver.organisation_id)
    return True


def pay_month(giver: Giver, plan: Monthly, number: int, gift: RecurringGift | None):
    """The monthly gift's `number`-th payment: the first starts it, later ones are collected."""
    paid_at_days = plan.days_ago(number)
    if gift is None and number == 0:
        first = Gift(plan.initiative, plan.cents, paid_at_days)
        initiative = giver.initiatives[plan.initiative]
        contribution = give(
            giver.user, initiative, first, giver.now, None, giver.organisation_id, "monthly"
        )
        return contribution.recurring_gift
    if gift is not None and gift.provider_subscription_id:  # running: the provider collects
        collect_monthly(gift, number, giver.now - timedelta(days=paid_at_days))
    return gift


def give_in_order(giver: Giver, gifts: list[Gift], plan: Monthly | None = None) -> int:
    """The giver's missing gifts and monthly payments, oldest first; returns the one-off count."""
    done = given_so_far(giver)
    gift = monthly_gift(giver, plan) if plan else None
    paid_months = len(gift.contributions) if gift else 0
    timeline = [(g.days_ago, g) for g in gifts]
    if plan is not None:
        timeline += [(plan.days_ago(n), n) for n in range(paid_months, plan.months)]
    made = 0
    for _days_ago, step in sorted(timeline, key=lambda entry: -entry[0]):
        if isinstance(step, Gift):
            made += give_once(giver, step, done)
        else:
            gift = pay_month(giver, plan, step, gift)
    return made


def seed_gifts(users: dict[str, User], initiatives: list[Initiative], now: datetime) -> int:
    """The donor's gifts (one refunded in part, one charged back, one canceled) and monthly
    gift, and the staff member's personal gift; returns how many one-off gifts were made."""
    donor = Giver(users["donor"], initiatives, now, admin=users["admin"])
    made = give_in_order(donor, DONOR_GIFTS, DONOR_MONTHLY)
    staff = Giver(users["foundation staff"], initiatives, now)
    return made + give_in_order(staff, STAFF_GIFTS)
