"""Demo impact reports: the report run for the last complete months, as `reports run --period
YYYY-MM --no-deliver` does it, so the archive (/impact-reports) has reports at once.

Their mails stay queued in the outbox (the scheduler's mail job, or `mail deliver`, sends them);
a run is exactly once per owner and period, so running the demo again builds nothing twice.
"""

from datetime import date

from marketplace.impact.parsing import amsterdam_today
from marketplace.reporting.runs import run_due_reports

REPORT_MONTHS = 3


def last_complete_months(today: date, count: int = REPORT_MONTHS) -> list[str]:
    """The `count` calendar months before today's, oldest first, as "2026-10"."""
    current = today.year * 12 + today.month - 1
    return [f"{index // 12}-{index % 12 + 1:02d}" for index in range(current - count, current)]


def seed_reports(today: date | None = None) -> int:
    """Build the impact reports of the last complete months; returns how many were built."""
    built = 0
    for period in last_complete_months(today or amsterdam_today()):
        built += run_due_reports(period).built
    return built
