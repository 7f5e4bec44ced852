"""Read-only queries about gifts: money given (for the other domains too), a donor's own gifts."""

from sqlalchemy import or_, select

from marketplace.accounts.models import User
from marketplace.donations.models import PAID_FAMILY, Contribution
from marketplace.donations.urls import guest_token_valid
from marketplace.errors import NotFound
from marketplace.extensions import db


def donor_wall_section(initiative) -> dict:
    """The initiative page's donor wall."""
    return {"donor_wall": donor_wall(initiative.id)}


def donor_wall(initiative_id: int, limit: int = 10) -> list[dict]:
    """The latest paid gifts for the public donor wall; names hidden for anonymous gifts."""
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
            "amount_cents": c.gift_cents,
            "currency": c.currency,
            "paid_at": c.paid_at,
            "message": "" if c.anonymous else c.message,
        }
        for c in rows
        if c.gift_cents > 0
    ]


def find_contribution(provider_name: str, payment_id: str) -> Contribution | None:
    """The contribution a provider's payment id (or its second id, the reference) belongs to."""
    return db.session.scalar(
        select(Contribution).where(
            Contribution.provider == provider_name,
            or_(
                Contribution.provider_payment_id == payment_id,
                Contribution.provider_reference == payment_id,
            ),
        )
    )


def own_contribution(user, contribution_id: int) -> Contribution:
    """A donor's own contribution; anybody else's is 'not found'."""
    contribution = db.session.get(Contribution, contribution_id)
    if contribution is None or user is None or not user.is_authenticated:
        raise NotFound()
    if contribution.user_id != user.id:
        raise NotFound()
    return contribution


def contribution_for_visitor(user, contribution_id: int, token: str | None) -> Contribution:
    """A donor's own gift, or a guest gift whose signed key is in the link; else 'not found'."""
    contribution = db.session.get(Contribution, contribution_id)
    if contribution is None:
        raise NotFound()
    if guest_token_valid(token, contribution_id):
        return contribution
    return own_contribution(user, contribution_id)


def contributions_of(user: User, page: int = 1, per_page: int = 20):
    """A donor's contributions, newest first, one page of them."""
    return db.paginate(
        select(Contribution)
        .where(Contribution.user_id == user.id)
        .order_by(Contribution.created_at.desc(), Contribution.id.desc()),
        page=page,
        per_page=per_page,
        error_out=False,
    )
