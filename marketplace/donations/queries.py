"""Read-only figures about money given, for the other domains (impact, portfolios, exchange)."""

from datetime import date

from sqlalchemy import func, select

from marketplace.donations.models import Contribution
from marketplace.extensions import db
from marketplace.timeutil import month_start, to_amsterdam


def net_cents_expression():
    return Contribution.amount_cents - Contribution.refunded_cents - Contribution.charged_back_cents


def raised_cents(initiative_id: int) -> int:
    """Paid to an initiative, net of refunds and chargebacks."""
    total = db.session.scalar(
        select(func.coalesce(func.sum(net_cents_expression()), 0)).where(
            Contribution.initiative_id == initiative_id, Contribution.paid_at.is_not(None)
        )
    )
    return int(total or 0)


def paid_cents_by_month(initiative_id: int) -> dict[date, int]:
    """Net paid cents per calendar month (Amsterdam time) of the payment date."""
    rows = db.session.execute(
        select(Contribution.paid_at, net_cents_expression()).where(
            Contribution.initiative_id == initiative_id, Contribution.paid_at.is_not(None)
        )
    )
    months: dict[date, int] = {}
    for paid_at, net in rows:
        month = month_start(to_amsterdam(paid_at).date())
        months[month] = months.get(month, 0) + int(net)
    return months


def donor_wall_section(initiative) -> dict:
    """The initiative page's donor wall."""
    return {"donor_wall": donor_wall(initiative.id)}


def donor_wall(initiative_id: int, limit: int = 10) -> list[dict]:
    """The latest paid gifts for the public donor wall; names hidden for anonymous gifts."""
    from marketplace.donations.models import PAID_FAMILY

    rows = db.session.scalars(
        select(Contribution)
        .where(
            Contribution.initiative_id == initiative_id,
            Contribution.paid_at.is_not(None),
            Contribution.status.in_(list(PAID_FAMILY)),
        )
        .order_by(Contribution.paid_at.desc(), Contribution.id.desc())
        .limit(limit)
    )
    return [
        {
            "name": c.public_name,
            "amount_cents": c.net_cents,
            "currency": c.currency,
            "paid_at": c.paid_at,
            "message": "" if c.anonymous else c.message,
        }
        for c in rows
        if c.net_cents > 0
    ]
