"""Settlement's receivers: news about a connected account makes us ask the provider again."""

import logging

from marketplace import signals
from marketplace.errors import ServiceUnavailable
from marketplace.settlement import onboarding

log = logging.getLogger(__name__)


def connect() -> None:
    """Connect the receivers (idempotent: blinker keeps one connection per receiver)."""
    signals.payout_account_event.connect(on_payout_account_event)


def on_payout_account_event(sender, *, account_pk: int, **_facts) -> None:
    """Refresh the account from the provider; the scheduled job catches up when it is down."""
    try:
        onboarding.refresh_account(account_pk)
    except ServiceUnavailable:
        log.warning("payout account %s not refreshed now; the job will", account_pk)
