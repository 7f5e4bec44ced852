"""What reporting does when another part of the application tells it something happened."""

from marketplace import signals
from marketplace.reporting.runs import mark_report_sent


def _on_mail_sent(_sender, *, report_id: int | None = None, **_facts) -> None:
    """The last delivered mail of a report makes the report SENT."""
    if report_id is not None:
        mark_report_sent(report_id)


def connect() -> None:
    """Connect reporting's receivers (called by `create_app`; connecting twice is a no-op)."""
    signals.mail_sent.connect(_on_mail_sent)
