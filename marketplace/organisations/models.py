"""Organisations (foundations, impact investors, companies), their staff and invitations."""

from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import User
from marketplace.db import str_enum
from marketplace.extensions import db
from marketplace.timeutil import UTCDateTime, utcnow


class OrganisationKind(StrEnum):
    FOUNDATION = "foundation"
    IMPACT_INVESTOR = "impact_investor"
    COMPANY = "company"
    OTHER = "other"

    @property
    def label(self) -> str:
        return str(KIND_LABELS[self])


KIND_LABELS = {
    OrganisationKind.FOUNDATION: _l("Foundation"),
    OrganisationKind.IMPACT_INVESTOR: _l("Impact investor"),
    OrganisationKind.COMPANY: _l("Company"),
    OrganisationKind.OTHER: _l("Other"),
}


class MemberRole(StrEnum):
    OWNER = "owner"  # manages staff, gives on the organisation's behalf, reads
    MEMBER = "member"  # gives on the organisation's behalf, reads
    VIEWER = "viewer"  # reads only

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])


ROLE_LABELS = {
    MemberRole.OWNER: _l("Owner"),
    MemberRole.MEMBER: _l("Member (can give)"),
    MemberRole.VIEWER: _l("Viewer (read only)"),
}

ALL_ROLES = (MemberRole.OWNER.value, MemberRole.MEMBER.value, MemberRole.VIEWER.value)
GIVING_ROLES = (MemberRole.OWNER.value, MemberRole.MEMBER.value)


class Organisation(db.Model):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[OrganisationKind] = mapped_column(
        str_enum(OrganisationKind), default=OrganisationKind.FOUNDATION
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan", order_by="Membership.id"
    )

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.slug}>"


class Membership(db.Model):
    __tablename__ = "organisation_memberships"
    __table_args__ = (UniqueConstraint("organisation_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[MemberRole] = mapped_column(str_enum(MemberRole), default=MemberRole.VIEWER)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship()


class Invitation(db.Model):
    """An e-mailed invitation; only the SHA-256 of its secret is stored, the link is signed."""

    __tablename__ = "organisation_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(254), index=True)
    role: Mapped[MemberRole] = mapped_column(str_enum(MemberRole))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation] = relationship()

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None
