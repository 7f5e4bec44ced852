"""Whose reports a run builds (funders with holdings, published initiatives) and who gets them."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.initiatives.models import Initiative, InitiativeStatus
from marketplace.organisations.services import members_of
from marketplace.portfolios.build import funders_with_holdings
from marketplace.reporting.models import Cadence, OwnerType, ReportPreference
from marketplace.reporting.periods import Period
from marketplace.reporting.preferences import preferences_of


@dataclass
class Owner:
    type: OwnerType
    id: int
    name: str
    subject: object  # User, Organisation or Initiative
    recipients: list[User] = field(default_factory=list)


def portfolio_owners() -> list[Owner]:
    """Every funder with a holding, and who receives its reports (the person, or the members)."""
    owners = []
    for funder in funders_with_holdings():
        if isinstance(funder, User):
            owners.append(Owner(OwnerType.USER, funder.id, funder.name, funder, [funder]))
        else:
            members = [m.user for m in members_of(funder)]
            owners.append(Owner(OwnerType.ORGANISATION, funder.id, funder.name, funder, members))
    return owners


def initiative_owners() -> list[Owner]:
    """Published initiatives (their owners receive the funding and impact report)."""
    return [
        Owner(OwnerType.INITIATIVE, i.id, i.name, i, list(i.owners))
        for i in db.session.scalars(
            select(Initiative)
            .where(Initiative.status == InitiativeStatus.PUBLISHED)
            .options(selectinload(Initiative.owners))
            .order_by(Initiative.id)
        )
    ]


def due_reports(
    owners: Iterable[Owner], periods: Iterable[Period]
) -> list[tuple[Owner, Period, list[User], frozenset[int]]]:
    """(owner, period, recipients, those who want the PDF attached) for every report someone
    wants: active recipients whose cadence is the period's (monthly unless they chose otherwise)."""
    owners, periods = list(owners), list(periods)
    preferences = preferences_of(u.id for o in owners for u in o.recipients)
    attach = frozenset(user_id for user_id, p in preferences.items() if p.pdf_attached)
    due = []
    for period in periods:
        for owner in owners:
            recipients = _wanted(owner.recipients, period, preferences)
            if recipients:
                due.append((owner, period, recipients, attach & {u.id for u in recipients}))
    return due


def _wanted(
    recipients: list[User], period: Period, preferences: dict[int, ReportPreference]
) -> list[User]:
    chosen = []
    for user in recipients:
        if not user.active:
            continue
        preference = preferences.get(user.id)
        cadence = preference.cadence if preference else Cadence.MONTHLY
        if cadence == period.cadence:
            chosen.append(user)
    return chosen
