"""Reading payouts for the pages: an initiative's balances and transfers, the admins' lists."""

from dataclasses import dataclass

from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.initiatives.models import Initiative
from marketplace.payouts.models import Payout, Transfer, TransferStatus


@dataclass(frozen=True)
class Balance:
    held: int = 0  # held by the platform (negative: the initiative owes it back)
    transferred: int = 0  # transferred by the platform
    direct: int = 0  # paid straight into the initiative's account

    @property
    def total(self) -> int:
        """Everything the initiative received through the platform, wherever it is now."""
        return self.held + self.transferred + self.direct


def balance(initiative_id: int) -> Balance:
    held, transferred, direct = db.session.execute(
        select(
            func.coalesce(func.sum(Payout.held_cents), 0),
            func.coalesce(func.sum(Payout.transferred_cents), 0),
            func.coalesce(func.sum(Payout.direct_cents), 0),
        ).where(Payout.initiative_id == initiative_id)
    ).one()
    return Balance(int(held), int(transferred), int(direct))


def recent_transfers(initiative_id: int, limit: int = 10) -> list[Transfer]:
    return list(
        db.session.scalars(
            select(Transfer)
            .where(Transfer.initiative_id == initiative_id)
            .order_by(Transfer.id.desc())
            .limit(limit)
        )
    )


def held_by_initiative(limit: int = 200) -> list[tuple[Initiative, int]]:
    """Initiatives with money held for them (or owed back), the most first."""
    held = func.sum(Payout.held_cents)
    rows = db.session.execute(
        select(Initiative, held)
        .join(Payout, Payout.initiative_id == Initiative.id)
        .group_by(Initiative.id)
        .having(held != 0)
        .order_by(held.desc())
        .limit(limit)
    ).all()
    return [(initiative, int(cents)) for initiative, cents in rows]


def transfers_needing_attention(limit: int = 100) -> list[Transfer]:
    """Flagged, pending and failed transfers, the latest first."""
    return list(
        db.session.scalars(
            select(Transfer)
            .where(
                Transfer.flagged.is_(True)
                | Transfer.status.in_([TransferStatus.PENDING, TransferStatus.FAILED])
            )
            .order_by(Transfer.id.desc())
            .limit(limit)
        )
    )
