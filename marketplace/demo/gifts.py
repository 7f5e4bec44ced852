"""Demo gifts: what the demo donor (and the foundation's staff member, personally) gave.

Idempotent without keys of its own: per giver and initiative, the gifts that already exist are the
first ones of the plan, and only the rest is given; a monthly gift collects the months it lacks.
"""

from collections import Counter
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


def given_so_far(donor: User, organisation_id: int | None) -> Counter:
    """How many one-off gifts the donor (for the organisation) made to each initiative."""
    rows = db.session.execute(
        select(Contribution.initiative_id, func.count())
        .where(
            Contribution.user_id == donor.id,
            Contribution.organisation_id.is_(None)
            if organisation_id is None
            else Contribution.organisation_id == organisation_id,
            Contribution.interval == Interval.ONCE,
        )
        .group_by(Contribution.initiative_id)
    )
    return Counter(dict(rows.all()))


def give_plan(
    donor: User,
    plan: list[Gift],
    initiatives: list[Initiative],
    now: datetime,
    admin: User | None = None,
    organisation_id: int | None = None,
) -> int:
    """Give the gifts of `plan` that were not given yet, oldest first; returns how many."""
    done = given_so_far(donor, organisation_id)
    seen: Counter = Counter()
    created = 0
    for gift in sorted(plan, key=lambda g: -g.days_ago):
        initiative = initiatives[gift.initiative]
        seen[initiative.id] += 1
        if seen[initiative.id] <= done[initiative.id]:
            continue
        give(donor, initiative, gift, now, admin=admin, organisation_id=organisation_id)
        created += 1
    return created


def give_monthly(
    donor: User,
    initiatives: list[Initiative],
    plan: Monthly,
    now: datetime,
    organisation_id: int | None = None,
) -> RecurringGift:
    """A monthly gift started `plan.months` months ago, with every month since paid."""
    initiative = initiatives[plan.initiative]
    gift = db.session.scalar(
        select(RecurringGift).where(
            RecurringGift.user_id == donor.id,
            RecurringGift.initiative_id == initiative.id,
            RecurringGift.organisation_id.is_(None)
            if organisation_id is None
            else RecurringGift.organisation_id == organisation_id,
        )
    )
    if gift is None:
        first = Gift(plan.initiative, plan.cents, plan.days_ago(0))
        contribution = give(
            donor, initiative, first, now, organisation_id=organisation_id, interval="monthly"
        )
        gift = contribution.recurring_gift
    for number in range(len(gift.contributions), plan.months):
        if gift.provider_subscription_id is None:
            break  # not running (yet): nothing for the provider to collect
        collect_monthly(gift, number, now - timedelta(days=plan.days_ago(number)))
    return gift


def seed_gifts(users: dict[str, User], initiatives: list[Initiative], now: datetime) -> int:
    """The donor's gifts (one refunded in part, one charged back, one canceled) and monthly
    gift, and the staff member's personal gift; returns how many one-off gifts were made."""
    donor, staff, admin = users["donor"], users["foundation staff"], users["admin"]
    created = give_plan(donor, DONOR_GIFTS, initiatives, now, admin=admin)
    give_monthly(donor, initiatives, DONOR_MONTHLY, now)
    created += give_plan(staff, STAFF_GIFTS, initiatives, now)
    return created
