"""Demo portfolio: the foundation "Stichting Fonds Sociale Buurt", its gifts and watchlist.

Idempotent: gifts are keyed by their provider payment id, the organisation by its slug.
"""

from datetime import timedelta

from sqlalchemy import select

from marketplace.donations.models import (
    Contribution,
    ContributionStatus,
    Interval,
    RecurringGift,
    RecurringStatus,
)
from marketplace.extensions import db
from marketplace.organisations.models import MemberRole, Membership, Organisation
from marketplace.organisations.services import create_organisation
from marketplace.portfolios.watchlist import follow_initiative
from marketplace.timeutil import utcnow

ORGANISATION_NAME = "Stichting Fonds Sociale Buurt"
# (initiative index, amount in cents, days ago)
ONE_OFF_GIFTS = [
    (0, 500000, 700),
    (4, 1000000, 540),
    (6, 300000, 420),
    (9, 750000, 260),
    (12, 400000, 150),
    (2, 250000, 60),
]
MONTHLY = (1, 25000, 14)  # initiative index, cents, number of months paid (still running)
WATCH = (3, 7)


def seed_demo_portfolio(users: dict, initiatives: list) -> Organisation | None:
    """The foundation with the demo staff member as owner, gifts on its behalf and a watchlist."""
    staff = users.get("foundation staff")
    if staff is None or len(initiatives) < 13:
        return None
    org = db.session.scalar(select(Organisation).where(Organisation.name == ORGANISATION_NAME))
    if org is None:
        org = create_organisation(staff, ORGANISATION_NAME, "foundation")
    elif not db.session.scalar(
        select(Membership.id).where(
            Membership.organisation_id == org.id, Membership.user_id == staff.id
        )
    ):
        db.session.add(Membership(organisation_id=org.id, user_id=staff.id, role=MemberRole.OWNER))
    now = utcnow()

    def pay(key: str, index: int, cents: int, days_ago: int, gift=None) -> None:
        if db.session.scalar(
            select(Contribution.id).where(Contribution.provider_payment_id == key)
        ):
            return
        paid_at = now - timedelta(days=days_ago)
        db.session.add(
            Contribution(
                initiative_id=initiatives[index].id,
                user_id=staff.id,
                organisation_id=org.id,
                amount_cents=cents,
                interval=Interval.MONTHLY if gift else Interval.ONCE,
                status=ContributionStatus.PAID,
                provider="simulator",
                provider_payment_id=key,
                method="ideal",
                donor_name=ORGANISATION_NAME,
                donor_email=staff.email,
                recurring_gift=gift,
                created_at=paid_at,
                paid_at=paid_at,
                receipt_sent_at=paid_at,
            )
        )

    for number, (index, cents, days_ago) in enumerate(ONE_OFF_GIFTS):
        pay(f"sim_fund_{number:03d}", index, cents, days_ago)
    index, cents, months = MONTHLY
    gift = db.session.scalar(
        select(RecurringGift).where(
            RecurringGift.organisation_id == org.id,
            RecurringGift.initiative_id == initiatives[index].id,
        )
    )
    if gift is None:
        gift = RecurringGift(
            user_id=staff.id,
            initiative_id=initiatives[index].id,
            organisation_id=org.id,
            amount_cents=cents,
            provider="simulator",
            status=RecurringStatus.ACTIVE,
        )
        db.session.add(gift)
    for month in range(months):
        pay(f"sim_fund_monthly_{month:03d}", index, cents, 30 * (months - month) - 15, gift)
    db.session.commit()
    for index in WATCH:
        follow_initiative(staff, initiatives[index].id, org.id)
    return org
