"""Locale selection: Dutch by default, English on request (language switch or account setting)."""

from flask import current_app, has_request_context, request, session
from flask_login import current_user


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    requested = request.args.get("lang")
    if requested in languages:
        return requested
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    return "Europe/Amsterdam"


def babel_locale_name() -> str:
    """The Babel locale used for numbers and money: nl -> nl_NL, en -> en_GB (€ before amount)."""
    from flask_babel import get_locale

    locale = str(get_locale() or "nl")
    return {"nl": "nl_NL", "en": "en_GB"}.get(locale, "nl_NL")
