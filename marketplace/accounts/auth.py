"""Log-in sessions and role checks."""

from functools import wraps

from flask import Flask
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from marketplace.accounts.models import User
from marketplace.errors import NotAllowed
from marketplace.extensions import db, login_manager


def load_user(session_id: str) -> User | None:
    """Session ids are "<user id>:<session version>": an old version means a logged-out cookie."""
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version) or not user.is_active:
        return None
    return user


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please log in to continue.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"


def role_required(check):
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not check(current_user):
                raise NotAllowed()
            return view(*args, **kwargs)

        return wrapped

    return decorator


admin_required = role_required(lambda user: user.is_admin)
verifier_required = role_required(lambda user: user.is_verifier)
