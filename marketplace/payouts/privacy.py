"""Payout accounts a person connected for an initiative, in their data export and erasure (the
account is the initiative's; only who connected it is the person's)."""

from sqlalchemy import select, update

from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.payouts.models import PayoutAccount
from marketplace.privacy.registry import DataDomain, Erasure, Rows, when


def export_connections(user: User) -> dict[str, Rows]:
    connected = db.session.scalars(
        select(PayoutAccount).where(PayoutAccount.connected_by_id == user.id)
    )
    return {
        "payout_accounts_connected": [
            {
                "initiative": a.initiative.name,
                "provider": a.provider,
                "status": a.status.value,
                "connected_at": when(a.created_at),
            }  # fmt: skip
            for a in connected
        ]
    }


def erase_connections(erasure: Erasure) -> None:
    db.session.execute(
        update(PayoutAccount)
        .where(PayoutAccount.connected_by_id == erasure.user_id)
        .values(connected_by_id=None)
    )


DATA = DataDomain(name="payouts", export=export_connections, erase=erase_connections)
