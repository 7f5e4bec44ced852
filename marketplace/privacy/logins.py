"""Recording log-ins (Flask-Login's `user_logged_in`), so a person can see their own."""

import logging

from flask import has_request_context, request
from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.privacy.models import LoginRecord, PrivacyRequest

log = logging.getLogger(__name__)
# Which page logged the person in, as the account page names it; a password change renews the
# session of someone already logged in and is no new log-in.
METHODS = {"accounts.login": "password"}
NOT_A_LOGIN = {"accounts.change_password"}


def record_login(sender, user: User, **_extra) -> None:
    """Keep when, from where and with what a person logged in (their own to see)."""
    if not has_request_context() or request.endpoint in NOT_A_LOGIN:
        return
    try:
        db.session.add(
            LoginRecord(
                user_id=user.id,
                ip_address=(request.remote_addr or "")[:45],
                user_agent=(request.user_agent.string or "")[:200],
                method=METHODS.get(request.endpoint or "", request.endpoint or "")[:30],
            )
        )
        db.session.commit()
    except Exception:  # a log-in must never fail because its record could not be written
        db.session.rollback()
        log.exception("log-in of user %s not recorded", user.id)


def recent_logins(user: User, limit: int = 10) -> list[LoginRecord]:
    return list(
        db.session.scalars(
            select(LoginRecord)
            .where(LoginRecord.user_id == user.id)
            .order_by(LoginRecord.id.desc())
            .limit(limit)
        )
    )


def recent_requests(user: User, limit: int = 10) -> list[PrivacyRequest]:
    return list(
        db.session.scalars(
            select(PrivacyRequest)
            .where(PrivacyRequest.user_id == user.id)
            .order_by(PrivacyRequest.id.desc())
            .limit(limit)
        )
    )
