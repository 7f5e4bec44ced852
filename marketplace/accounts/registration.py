"""Registration that tells nobody whether an address has an account, and address confirmation.

Whatever the address, the form answers the same: "we have sent you a link". A new address gets an
unconfirmed account and a signed, expiring link (itsdangerous); no log-in before it is opened. The
owner of a confirmed account gets a mail saying someone tried to register with their address.
"""

import hmac

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from marketplace.accounts.models import Role, User
from marketplace.accounts.passwords import hash_password
from marketplace.accounts.services import (
    check_password_rules,
    find_user_by_email,
    mark_email_confirmed,
    normalise_email,
    password_fingerprint,
)
from marketplace.extensions import db
from marketplace.mail import Mail, send_or_queue


def register_account(email: str, password: str, name: str, locale: str = "nl") -> str:
    """Start an account for `email` and mail its owner; returns the normalised address.

    Raises InvalidInput only for what the form shows (address format, password rules), never
    for an address that has an account. An account that is still unconfirmed takes the details
    of the latest registration and a fresh link (the older link stops working).
    """
    email = normalise_email(email)
    check_password_rules(password)
    password_hash = hash_password(password)  # in every branch: the same work, the same time
    user = find_user_by_email(email)
    if user is not None and user.is_confirmed:
        send_already_registered(user)
        return email
    if user is None:
        user = User(email=email, role=Role.USER)
        db.session.add(user)
    user.name = name.strip() or email.split("@")[0]
    user.password_hash = password_hash
    user.locale = locale
    db.session.commit()
    send_confirmation(user)
    return email


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="confirm-email")


def make_confirmation_token(user: User) -> str:
    """Signed and dated; bound to the address and the password, so a later registration of the
    same unconfirmed address makes earlier links useless."""
    return _serializer().dumps(
        {"uid": user.id, "email": user.email, "fp": password_fingerprint(user)}
    )


def confirm_email(token: str) -> User | None:
    """Mark the address of the token's account confirmed; None for a bad or expired link."""
    try:
        data = _serializer().loads(token, max_age=current_app.config["EMAIL_CONFIRM_MAX_AGE"])
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("uid"), int):
        return None
    user = db.session.get(User, data["uid"])
    if (
        user is None
        or user.email != data.get("email")
        or not hmac.compare_digest(str(data.get("fp", "")), password_fingerprint(user))
    ):
        return None
    mark_email_confirmed(user)
    return user


def _link(path: str) -> str:
    return f"{current_app.config['PUBLIC_BASE_URL']}{path}"


def send_confirmation(user: User) -> None:
    """Mail the link that confirms the address (at registration, and at a log-in before it)."""
    hours = current_app.config["EMAIL_CONFIRM_MAX_AGE"] // 3600
    link = _link(f"/account/confirm/{make_confirmation_token(user)}")
    with force_locale(user.locale):
        mail = Mail(
            to=user.email,
            subject=_("Confirm your e-mail address for Impactbeurs"),
            text=render_template(
                "accounts/mail/confirm_email.txt", user=user, link=link, hours=hours
            ),
        )
    send_or_queue(mail)


def send_already_registered(user: User) -> None:
    """Tell the owner of an account that someone tried to register with their address."""
    with force_locale(user.locale):
        mail = Mail(
            to=user.email,
            subject=_("Someone tried to register with your e-mail address"),
            text=render_template(
                "accounts/mail/already_registered.txt",
                user=user,
                login_link=_link("/account/login"),
                reset_link=_link("/account/forgot"),
            ),
        )
    send_or_queue(mail)
