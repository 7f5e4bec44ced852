"""Privacy's receivers: Flask-Login tells us about every log-in."""

from flask_login import user_logged_in

from marketplace.privacy.logins import record_login


def connect() -> None:
    """Connect the receivers (idempotent: blinker keeps one connection per receiver)."""
    user_logged_in.connect(record_login)
