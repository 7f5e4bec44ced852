"""What privacy keeps itself: a person's log-ins, and their export and erasure requests."""

from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.db import str_enum
from marketplace.extensions import db
from marketplace.timeutil import UTCDateTime, utcnow


class LoginRecord(db.Model):
    """One log-in (shown to the person on their account page; kept RETENTION_LOGIN_DAYS)."""

    __tablename__ = "login_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    ip_address: Mapped[str] = mapped_column(String(45), default="")
    user_agent: Mapped[str] = mapped_column(String(200), default="")
    method: Mapped[str] = mapped_column(String(30), default="password")


class RequestKind(StrEnum):
    EXPORT = "export"
    ERASURE = "erasure"

    @property
    def label(self) -> str:
        return str(REQUEST_LABELS[self])


REQUEST_LABELS = {
    RequestKind.EXPORT: _l("Data export"),
    RequestKind.ERASURE: _l("Account erasure"),
}


class PrivacyRequest(db.Model):
    """A data export or erasure, by the person or by an admin for them (kept for accountability,
    RETENTION_PRIVACY_LOG_DAYS; an erasure's row points only at the pseudonymised account)."""

    __tablename__ = "privacy_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[RequestKind] = mapped_column(str_enum(RequestKind))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    by_admin: Mapped[bool] = mapped_column(default=False)
    via: Mapped[str] = mapped_column(String(20), default="web")  # web, api, cli
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
