"""Donations' receivers of named signals from the domains below it."""

from marketplace import signals
from marketplace.donations.guests import link_guest_gifts


def connect() -> None:
    """Connect the receivers (idempotent: blinker keeps one connection per receiver)."""
    signals.email_confirmed.connect(on_email_confirmed)


def on_email_confirmed(sender, *, user_id: int, email: str, **_facts) -> None:
    """The address is the account holder's: the gifts given as a guest with it are theirs."""
    link_guest_gifts(user_id, email)
