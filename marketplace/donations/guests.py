"""Guest gifts: given once without an account, they become the account's when someone registers
(later: confirms) that e-mail address, and with that part of its history and portfolio."""

from sqlalchemy import select

from marketplace import signals
from marketplace.donations.models import Contribution, ContributionEvent, EventKind
from marketplace.extensions import db
from marketplace.timeutil import as_utc


def link_guest_gifts(user_id: int, email: str) -> int:
    """Give the account every guest gift made with its address; returns how many.

    Each link is written to the gift's ledger (no money, who and why), and every paid one sends
    `contribution_changed`, so the figures move it into the account's portfolio.
    """
    address = (email or "").strip().lower()
    if not address:
        return 0
    gifts = db.session.scalars(
        select(Contribution)
        .where(Contribution.user_id.is_(None), Contribution.donor_email == address)
        .order_by(Contribution.id)
        .with_for_update()
    ).all()
    changed = []
    for gift in gifts:
        gift.user_id = user_id
        db.session.add(
            ContributionEvent(
                contribution_id=gift.id,
                event_key=f"guest-link:{gift.id}:{user_id}",
                kind=EventKind.STATUS,
                from_status=gift.status.value,
                to_status=gift.status.value,
                currency=gift.currency,
                source="registration",
                detail=f"guest gift added to account {user_id} (registered with {address})",
            )
        )
        if gift.paid_at is not None:
            changed.append(
                {
                    "contribution_id": gift.id,
                    "initiative_id": gift.initiative_id,
                    "user_id": user_id,
                    "organisation_id": None,
                    "paid_at": as_utc(gift.paid_at),
                    "newly_paid": False,
                }
            )
    db.session.commit()
    for facts in changed:
        signals.notify(signals.contribution_changed, **facts)
    return len(gifts)
