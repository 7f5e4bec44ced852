"""Payouts for paid gifts that have none: gifts paid before payouts existed (the platform kept
every euro then, so it holds them), and gifts written outside the status path (the demo's and the
benchmark's bulk data). Each is settled under the gift's own row lock, as the status path does."""

from __future__ import annotations

import logging

from sqlalchemy import and_, select
from sqlalchemy.exc import IntegrityError

from marketplace.donations.models import Contribution
from marketplace.donations.routing import settle_gift_payout
from marketplace.donations.status import lock_contribution
from marketplace.extensions import db
from marketplace.payouts.models import Payout, SourceKind

log = logging.getLogger(__name__)


def gifts_without_payout(initiative_id: int | None = None, limit: int = 5000) -> list[int]:
    query = (
        select(Contribution.id)
        .outerjoin(
            Payout,
            and_(Payout.source_kind == SourceKind.GIFT, Payout.source_id == Contribution.id),
        )
        .where(Contribution.paid_at.is_not(None), Payout.id.is_(None))
        .order_by(Contribution.id)
        .limit(limit)
    )
    if initiative_id is not None:
        query = query.where(Contribution.initiative_id == initiative_id)
    return list(db.session.scalars(query))


def record_missing_payouts(initiative_id: int | None = None, limit: int = 5000) -> int:
    """Give up to `limit` paid gifts without one their payout (held by the platform)."""
    done = 0
    for contribution_id in gifts_without_payout(initiative_id, limit):
        contribution = lock_contribution(contribution_id)
        try:
            settle_gift_payout(contribution)
            db.session.commit()
        except IntegrityError:  # the status path settled it meanwhile
            db.session.rollback()
            continue
        done += 1
    if done:
        log.info("payouts recorded for %s paid gifts that had none", done)
    return done
