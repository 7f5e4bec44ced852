"""The parts of a person's data that live below every domain: the account itself, its API tokens,
log-ins and privacy requests, and the mail sent to it (the outbox)."""

from __future__ import annotations

from sqlalchemy import delete, select

from marketplace.accounts.models import ApiToken, User
from marketplace.extensions import db
from marketplace.mail.models import MailMessage
from marketplace.privacy.models import LoginRecord, PrivacyRequest
from marketplace.privacy.registry import Erasure, Rows, when

ERASED = "!erased"  # noqa: S105 (a marker that is no password hash, not a password)


def export_account(user: User) -> dict[str, Rows]:
    """Profile, token metadata (never the secret), log-ins, requests, the mail we sent."""
    return {
        "profile": [
            {
                "id": user.id,
                "name": user.name,
                "email": user.email,
                "role": user.role.value,
                "language": user.locale,
                "created_at": when(user.created_at),
            }
        ],
        "api_tokens": [
            {
                "label": t.label,
                "prefix": t.prefix,
                "created_at": when(t.created_at),
                "last_used_at": when(t.last_used_at),
                "revoked_at": when(t.revoked_at),
            }
            for t in user.tokens
        ],
        "logins": [
            {
                "at": when(r.at),
                "ip_address": r.ip_address,
                "device": r.user_agent,
                "method": r.method,
            }  # fmt: skip
            for r in db.session.scalars(
                select(LoginRecord).where(LoginRecord.user_id == user.id).order_by(LoginRecord.id)
            )
        ],
        "privacy_requests": [
            {"kind": r.kind.value, "at": when(r.created_at), "by_admin": r.by_admin, "via": r.via}
            for r in db.session.scalars(
                select(PrivacyRequest)
                .where(PrivacyRequest.user_id == user.id)
                .order_by(PrivacyRequest.id)
            )
        ],
        "mail": [
            {
                "subject": m.subject,
                "status": m.status.value,
                "queued_at": when(m.created_at),
                "sent_at": when(m.sent_at),
            }  # fmt: skip
            for m in db.session.scalars(
                select(MailMessage).where(MailMessage.to == user.email).order_by(MailMessage.id)
            )
        ],
    }


def erase_account(erasure: Erasure) -> None:
    """Tokens, log-ins and mail go; the account row stays as a pseudonym without personal data."""
    db.session.execute(delete(ApiToken).where(ApiToken.user_id == erasure.user_id))
    db.session.execute(delete(LoginRecord).where(LoginRecord.user_id == erasure.user_id))
    db.session.execute(delete(MailMessage).where(MailMessage.to == erasure.email))
    user = db.session.get(User, erasure.user_id)
    user.name = ""
    user.email = f"erased-{user.id}@erased.invalid"
    user.password_hash = ERASED  # no valid hash: matches no password, nobody logs in as it
    user.locale = "nl"
    user.active = False
    user.session_version += 1  # every copy of its log-in cookies stops working
    user.erased_at = erasure.now
