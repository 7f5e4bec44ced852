"""The initiatives a person owns, in their data export; erasure removes them as owner (the
initiative's page stays: it is the initiative's, not the person's)."""

from sqlalchemy import delete, select

from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.initiatives.models import Initiative, initiative_owners
from marketplace.privacy.registry import DataDomain, Erasure, Rows, when


def export_owned(user: User) -> dict[str, Rows]:
    owned = db.session.scalars(
        select(Initiative)
        .join(initiative_owners, initiative_owners.c.initiative_id == Initiative.id)
        .where(initiative_owners.c.user_id == user.id)
        .order_by(Initiative.id)
    )
    return {
        "initiatives_owned": [
            {
                "name": i.name,
                "slug": i.slug,
                "status": i.status.value,
                "created_at": when(i.created_at),
            }  # fmt: skip
            for i in owned
        ]
    }


def erase_ownership(erasure: Erasure) -> None:
    db.session.execute(
        delete(initiative_owners).where(initiative_owners.c.user_id == erasure.user_id)
    )


DATA = DataDomain(name="initiatives", export=export_owned, erase=erase_ownership)
