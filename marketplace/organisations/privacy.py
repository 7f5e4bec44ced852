"""A person's organisation memberships and invitations in their data export and erasure."""

from sqlalchemy import delete, select, update

from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.organisations.models import Invitation, Membership
from marketplace.privacy.registry import DataDomain, Erasure, Rows, when


def export_memberships(user: User) -> dict[str, Rows]:
    memberships = db.session.scalars(
        select(Membership).where(Membership.user_id == user.id).order_by(Membership.id)
    )
    received = db.session.scalars(
        select(Invitation).where(Invitation.email == user.email).order_by(Invitation.id)
    )
    sent = db.session.scalars(
        select(Invitation).where(Invitation.invited_by_id == user.id).order_by(Invitation.id)
    )
    return {
        "memberships": [
            {"organisation": m.organisation.name, "role": m.role.value, "since": when(m.created_at)}
            for m in memberships
        ],
        "invitations_received": [
            {
                "organisation": i.organisation.name,
                "role": i.role.value,
                "sent_at": when(i.created_at),
                "accepted_at": when(i.accepted_at),
                "revoked_at": when(i.revoked_at),
            }  # fmt: skip
            for i in received
        ],
        "invitations_sent": [
            {
                "organisation": i.organisation.name,
                "role": i.role.value,
                "sent_at": when(i.created_at),
            }
            for i in sent
        ],
    }


def erase_memberships(erasure: Erasure) -> None:
    """The person leaves every organisation; invitations to their address go."""
    db.session.execute(delete(Membership).where(Membership.user_id == erasure.user_id))
    db.session.execute(delete(Invitation).where(Invitation.email == erasure.email))
    for column in (Invitation.invited_by_id, Invitation.accepted_by_id):
        db.session.execute(
            update(Invitation).where(column == erasure.user_id).values({column: None})
        )


DATA = DataDomain(name="organisations", export=export_memberships, erase=erase_memberships)
