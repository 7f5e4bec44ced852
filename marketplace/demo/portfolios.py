"""The demo foundation "Stichting Fonds Sociale Buurt": created by its staff member, who gives on
its behalf (large one-off gifts and a monthly gift) and follows initiatives (its watchlist): its
portfolio."""

from datetime import datetime

from marketplace.accounts.models import User
from marketplace.community.follows import follow
from marketplace.demo.gifts import Giver, give_in_order
from marketplace.demo.payments import Gift, Monthly
from marketplace.initiatives.models import Initiative
from marketplace.organisations.models import Organisation
from marketplace.organisations.services import create_organisation, organisations_of

ORGANISATION_NAME = "Stichting Fonds Sociale Buurt"
FOUNDATION_GIFTS = [
    Gift(0, 500000, 700),
    Gift(4, 1000000, 540),
    Gift(4, 250000, 500, message="Namens het fonds."),
    Gift(6, 300000, 420),
    Gift(5, 500000, 350),
    Gift(9, 750000, 260),
    Gift(8, 150000, 210),
    Gift(12, 400000, 150),
    Gift(12, 200000, 90),
    Gift(2, 250000, 60),
    Gift(3, 100000, 15),
]
FOUNDATION_MONTHLY = Monthly(1, 25000, 14)  # still running
WATCH = (3, 7)


def demo_foundation(staff: User) -> Organisation:
    """The foundation, as its staff member created it at /organisations (she is its owner)."""
    for organisation in organisations_of(staff):
        if organisation.name == ORGANISATION_NAME:
            return organisation
    return create_organisation(staff, ORGANISATION_NAME, "foundation")


def seed_foundation(users: dict[str, User], initiatives: list[Initiative], now: datetime) -> int:
    """The foundation's gifts, monthly gift and watchlist; returns how many one-off gifts were
    made (none when they exist)."""
    staff = users["foundation staff"]
    foundation = demo_foundation(staff)
    giver = Giver(staff, initiatives, now, organisation_id=foundation.id)
    made = give_in_order(giver, FOUNDATION_GIFTS, FOUNDATION_MONTHLY)
    for index in WATCH:
        follow(staff, "initiative", initiatives[index].id, foundation.id)
    return made
