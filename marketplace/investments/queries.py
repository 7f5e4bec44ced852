"""Reading offers and subscriptions: the public list with its filters, progress, one's own."""

from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import case, func, select

from marketplace.errors import InvalidInput, NotFound
from marketplace.extensions import db
from marketplace.initiatives.models import Initiative, InitiativeStatus, Theme
from marketplace.investments.models import (
    Offer,
    OfferKind,
    OfferStatus,
    Subscription,
    SubscriptionStatus,
)
from marketplace.investments.terms import parse_rate


@dataclass(frozen=True)
class Progress:
    """Paid (reserved or invested) and being paid, against the target."""

    target_cents: int
    paid_cents: int
    pending_cents: int

    @property
    def remaining_cents(self) -> int:
        """Room left for new subscriptions: payments under way hold theirs until they end."""
        return max(self.target_cents - self.paid_cents - self.pending_cents, 0)

    @property
    def percent(self) -> int:
        return min(self.paid_cents * 100 // self.target_cents, 100) if self.target_cents else 0


def progress_of(offers: list[Offer]) -> dict[int, Progress]:
    """Progress of several offers in one query."""
    ids = [offer.id for offer in offers]
    paid = {SubscriptionStatus.RESERVED, SubscriptionStatus.ACTIVE, SubscriptionStatus.REPAID}
    paid |= {SubscriptionStatus.WRITTEN_OFF}
    sums = {}
    if ids:
        rows = db.session.execute(
            select(
                Subscription.offer_id,
                func.sum(
                    case((Subscription.status.in_(list(paid)), Subscription.amount_cents), else_=0)
                ),
                func.sum(
                    case(
                        (Subscription.status == SubscriptionStatus.OPEN, Subscription.amount_cents),
                        else_=0,
                    )
                ),
            )
            .where(Subscription.offer_id.in_(ids))
            .group_by(Subscription.offer_id)
        )
        sums = {offer_id: (int(p or 0), int(o or 0)) for offer_id, p, o in rows}
    return {offer.id: Progress(offer.target_cents, *sums.get(offer.id, (0, 0))) for offer in offers}


def progress(offer: Offer) -> Progress:
    return progress_of([offer])[offer.id]


PUBLIC_STATUSES = [s for s in OfferStatus if s != OfferStatus.DRAFT]


def _filters(kind: str | None, theme: str | None, rate: str | None) -> list:
    where = [
        Offer.approved_version.is_not(None),
        Offer.status.in_(PUBLIC_STATUSES),
        Initiative.status == InitiativeStatus.PUBLISHED,
    ]
    errors = {}
    if kind:
        try:
            where.append(Offer.kind == OfferKind(kind))
        except ValueError:
            errors["kind"] = [_("Choose member_share, loan or bond.")]
    if theme:
        try:
            where.append(Initiative.theme == Theme(theme))
        except ValueError:
            errors["theme"] = [_("Unknown theme.")]
    if rate:
        try:
            where.append(Offer.interest_rate >= parse_rate(rate))
        except ValueError:
            errors["rate"] = [_("Enter a yearly percentage, for example 4.50.")]
    if errors:
        raise InvalidInput(_("Please correct the marked fields."), errors)
    return where


def search_offers(
    kind: str | None = None,
    theme: str | None = None,
    rate: str | Decimal | None = None,
    page: int = 1,
    per_page: int = 20,
):
    """Approved offers of published initiatives, open ones first (closing soonest), then the
    rest newest first; `rate` is a minimum yearly percentage. InvalidInput for a bad filter."""
    open_first = case((Offer.status == OfferStatus.OPEN, 0), else_=1)
    query = (
        select(Offer)
        .join(Initiative, Initiative.id == Offer.initiative_id)
        .where(*_filters(kind, theme, str(rate) if rate not in (None, "") else None))
        .order_by(
            open_first, case((Offer.status == OfferStatus.OPEN, Offer.closes_at)), Offer.id.desc()
        )
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def offers_of_initiative(initiative_id: int, *, public_only: bool = True) -> list[Offer]:
    query = select(Offer).where(Offer.initiative_id == initiative_id).order_by(Offer.id.desc())
    if public_only:
        query = query.where(Offer.approved_version.is_not(None))
    return list(db.session.scalars(query))


def offers_in_review() -> list[Offer]:
    return list(
        db.session.scalars(
            select(Offer).where(Offer.status == OfferStatus.IN_REVIEW).order_by(Offer.submitted_at)
        )
    )


def subscriptions_of(user, page: int = 1, per_page: int = 20):
    """The user's own subscriptions (also those on behalf of organisations), newest first."""
    query = (
        select(Subscription).where(Subscription.user_id == user.id).order_by(Subscription.id.desc())
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def own_subscription(user, subscription_id: int) -> Subscription:
    """One of the user's own subscriptions; anybody else's is 404."""
    subscription = db.session.get(Subscription, subscription_id)
    if subscription is None or subscription.user_id != getattr(user, "id", None):
        raise NotFound(_("This subscription does not exist."))
    return subscription
