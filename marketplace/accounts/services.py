"""Account logic: registration, log-in, passwords, reset links and API tokens."""

import hashlib
import hmac
import secrets
from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select

from marketplace import signals
from marketplace.accounts.models import ApiToken, Role, User
from marketplace.accounts.passwords import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    hash_password,
    needs_rehash,
    verify_password,
)
from marketplace.errors import InvalidInput, NotFound
from marketplace.extensions import db
from marketplace.mail import Mail, send_or_queue
from marketplace.timeutil import utcnow

TOKEN_PREFIX = "ib_"  # noqa: S105 (a prefix, not a secret)


def normalise_email(email: str) -> str:
    try:
        return validate_email(
            email.strip(), check_deliverability=False, test_environment=True
        ).normalized.lower()
    except EmailNotValidError as exc:
        message = _("Enter a valid e-mail address.")
        raise InvalidInput(message, {"email": [message]}) from exc


def check_password_rules(password: str) -> None:
    message = None
    if len(password) < MIN_PASSWORD_LENGTH:
        message = _("Use at least %(n)d characters.", n=MIN_PASSWORD_LENGTH)
    elif len(password) > MAX_PASSWORD_LENGTH:
        message = _("Use at most %(n)d characters.", n=MAX_PASSWORD_LENGTH)
    if message:
        raise InvalidInput(message, {"password": [message], "new_password": [message]})


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def create_user(
    email: str,
    password: str,
    name: str = "",
    role: Role = Role.USER,
    locale: str = "nl",
    *,
    confirmed: bool = False,
) -> User:
    """Create an account; raises InvalidInput when the e-mail is taken or the password weak.

    `confirmed` only where the address is known to be right (an admin's `users create`, the demo);
    everyone else confirms it through the link of `register_account` before logging in.
    """
    email = normalise_email(email)
    check_password_rules(password)
    if find_user_by_email(email):
        message = _("An account with this e-mail address already exists.")
        raise InvalidInput(message, {"email": [message]})
    user = User(
        email=email,
        name=name.strip() or email.split("@")[0],
        password_hash=hash_password(password),
        role=role,
        locale=locale,
        email_confirmed_at=utcnow() if confirmed else None,
    )
    db.session.add(user)
    db.session.commit()
    return user


def mark_email_confirmed(user: User) -> None:
    """A link mailed to the address was opened: it is the account holder's. Commits, then sends
    `signals.email_confirmed` (donations adds the gifts given as a guest with it); once only."""
    if user.email_confirmed_at is not None:
        return
    user.email_confirmed_at = utcnow()
    db.session.commit()
    signals.notify(signals.email_confirmed, user_id=user.id, email=user.email)


def authenticate(email: str, password: str) -> User | None:
    """The user for these credentials, or None (same answer and timing for unknown e-mails)."""
    user = find_user_by_email(email)
    if not verify_password(user.password_hash if user else None, password):
        return None
    if not user.is_active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        db.session.commit()
    return user


def end_all_sessions(user: User) -> None:
    """Invalidate every copy of every log-in cookie of this user."""
    user.session_version += 1
    db.session.commit()


def change_password(user: User, current_password: str, new_password: str) -> None:
    if not verify_password(user.password_hash, current_password):
        message = _("Your current password is not correct.")
        raise InvalidInput(message, {"current_password": [message]})
    set_password(user, new_password)


def set_password(user: User, new_password: str) -> None:
    check_password_rules(new_password)
    user.password_hash = hash_password(new_password)
    user.session_version += 1
    db.session.commit()


def update_profile(user: User, name: str, locale: str) -> None:
    if locale not in current_app.config["LANGUAGES"]:
        raise InvalidInput(_("Unknown language."), {"locale": [_("Unknown language.")]})
    user.name = name.strip() or user.name
    user.locale = locale
    db.session.commit()


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def password_fingerprint(user: User) -> str:
    """Part of the reset token, so a token stops working once the password has changed."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def make_reset_token(user: User) -> str:
    return _reset_serializer().dumps({"uid": user.id, "fp": password_fingerprint(user)})


def user_for_reset_token(token: str) -> User | None:
    max_age = current_app.config["PASSWORD_RESET_MAX_AGE"]
    try:
        data = _reset_serializer().loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature):
        return None
    user = db.session.get(User, data.get("uid")) if isinstance(data, dict) else None
    if user is None or not hmac.compare_digest(data.get("fp", ""), password_fingerprint(user)):
        return None
    return user


def request_password_reset(email: str) -> None:
    """Mail a reset link when the account exists; callers answer the same either way."""
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        return
    base = current_app.config["PUBLIC_BASE_URL"]
    link = f"{base}/account/reset/{make_reset_token(user)}"
    minutes = current_app.config["PASSWORD_RESET_MAX_AGE"] // 60
    with force_locale(user.locale):
        mail = Mail(
            to=user.email,
            subject=_("Reset your Impactbeurs password"),
            text=render_template(
                "accounts/mail/reset_password.txt", user=user, link=link, minutes=minutes
            ),
        )
    send_or_queue(mail)


def reset_password(token: str, new_password: str) -> User:
    user = user_for_reset_token(token)
    if user is None:
        message = _("This reset link is invalid or has expired.")
        raise InvalidInput(message, {"token": [message]})
    set_password(user, new_password)
    mark_email_confirmed(user)  # the link reached the address
    return user


def hash_token(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()


def create_api_token(user: User, label: str) -> tuple[ApiToken, str]:
    """A new personal token; the plaintext is returned once and never stored."""
    label = (label or "").strip()[:100] or _("API token")
    plaintext = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user, label=label, token_hash=hash_token(plaintext), prefix=plaintext[:10]
    )
    db.session.add(token)
    db.session.commit()
    return token, plaintext


def revoke_api_token(user: User, token_id: int) -> None:
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound(_("Token not found."))
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.commit()


def user_for_api_token(plaintext: str) -> User | None:
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(plaintext)))
    if token is None or token.revoked_at is not None or not token.user.is_active:
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        token.last_used_at = now
        db.session.commit()
    return token.user
