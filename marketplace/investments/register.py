"""The cooperative's member register: per member the shares held, the date in and the date out
(an offer of member shares, funded), and its CSV download for the initiative's owners."""

import csv
import io
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from marketplace.extensions import db
from marketplace.investments.models import (
    INVESTED,
    Offer,
    OfferKind,
    Subscription,
    SubscriptionStatus,
)
from marketplace.investments.statements import safe_cell
from marketplace.money import format_cents
from marketplace.organisations.models import Organisation


@dataclass(frozen=True)
class Member:
    subscription_id: int
    name: str
    email: str
    organisation: str
    shares: int
    nominal_cents: int
    date_in: date | None
    date_out: date | None
    status: SubscriptionStatus


def member_register(offer: Offer) -> list[Member]:
    """Members admitted through a funded offer of member shares, in order of admission."""
    if offer.kind != OfferKind.MEMBER_SHARE:
        return []
    rows = db.session.execute(
        select(Subscription, Organisation.name)
        .outerjoin(Organisation, Organisation.id == Subscription.organisation_id)
        .where(Subscription.offer_id == offer.id, Subscription.status.in_(list(INVESTED)))
        .order_by(Subscription.id)
    )
    return [
        Member(
            subscription_id=subscription.id,
            name=subscription.user.name,
            email=subscription.user.email,
            organisation=organisation or "",
            shares=subscription.units or 0,
            nominal_cents=subscription.amount_cents,
            date_in=offer.repayment_start,
            date_out=subscription.exited_on,
            status=subscription.status,
        )
        for subscription, organisation in rows
    ]


COLUMNS = ["member", "email", "on_behalf_of", "shares", "nominal_eur", "date_in", "date_out"]


def register_csv(offer: Offer) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for member in member_register(offer):
        writer.writerow(
            [
                safe_cell(member.name),
                safe_cell(member.email),
                safe_cell(member.organisation),
                member.shares,
                format_cents(member.nominal_cents),
                member.date_in.isoformat() if member.date_in else "",
                member.date_out.isoformat() if member.date_out else "",
            ]
        )
    return buffer.getvalue()
