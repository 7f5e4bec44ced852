"""A person's watchlist in their data export and erasure."""

from sqlalchemy import delete, select, update

from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.portfolios.models import Watch
from marketplace.privacy.registry import DataDomain, Erasure, Rows, when


def export_watchlist(user: User) -> dict[str, Rows]:
    watches = db.session.scalars(select(Watch).where(Watch.user_id == user.id).order_by(Watch.id))
    return {
        "watchlist": [
            {"initiative": w.initiative.name, "since": when(w.created_at)} for w in watches
        ]
    }


def erase_watchlist(erasure: Erasure) -> None:
    db.session.execute(delete(Watch).where(Watch.user_id == erasure.user_id))
    db.session.execute(
        update(Watch).where(Watch.created_by_id == erasure.user_id).values(created_by_id=None)
    )


DATA = DataDomain(name="portfolios", export=export_watchlist, erase=erase_watchlist)
