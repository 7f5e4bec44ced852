"""Periods of a portfolio: months chosen by a preset ("12m") or explicit from/to months."""

from collections.abc import Iterable
from datetime import date

from flask_babel import gettext as _

from marketplace.errors import InvalidInput
from marketplace.timeutil import month_range, month_start, to_amsterdam, utcnow

MAX_MONTHS = 240
FIRST_YEAR, LAST_YEAR = 1900, 2999  # months a portfolio can mean; beyond, date maths overflows


def current_month() -> date:
    return month_start(to_amsterdam(utcnow()).date())


def parse_month(text: str | None, field_name: str) -> date | None:
    """'2024-05' (or '2024-05-01') -> date(2024, 5, 1); None when empty; InvalidInput otherwise."""
    if not text:
        return None
    try:
        parts = str(text).strip().split("-")
        month = date(int(parts[0]), int(parts[1]), 1)
        if not FIRST_YEAR <= month.year <= LAST_YEAR:
            raise ValueError(month.year)
        return month
    except (ValueError, IndexError):
        message = _("Use a month like 2024-05.")
        raise InvalidInput(
            _("Please correct the marked fields."), {field_name: [message]}
        ) from None


PERIODS = ("12m", "36m", "60m", "all")


def months_for_period(
    period: str | None = None, start: str | None = None, end: str | None = None
) -> tuple[date | None, date | None]:
    """Resolve a period choice ('12m', '36m', '60m', 'all') or explicit from/to months."""
    last = parse_month(end, "to") or current_month()
    first = parse_month(start, "from")
    if first is None and period and period != "all":
        if period not in PERIODS:
            message = _("Choose a period.")
            raise InvalidInput(_("Please correct the marked fields."), {"period": [message]})
        count = int(period[:-1])
        year, month = divmod(last.year * 12 + last.month - 1 - (count - 1), 12)
        first = date(year, month + 1, 1)
    if first is not None and first > last:
        message = _("The first month must not be after the last.")
        raise InvalidInput(_("Please correct the marked fields."), {"from": [message]})
    return first, last


def period_months(first: date | None, last: date | None, earliest: Iterable[date]) -> list[date]:
    """The months from `first` (default: the earliest of `earliest`) to `last` (default: now)."""
    last = last or current_month()
    if first is None:
        starts = list(earliest)
        first = min(starts) if starts else last
    months = month_range(first, last)
    return months[-MAX_MONTHS:]
