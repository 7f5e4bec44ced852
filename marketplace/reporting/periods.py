"""Report periods: a month or a quarter, parsed from '2026-10' / '2026-Q4', and which are due."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _

from marketplace.errors import InvalidInput
from marketplace.reporting.models import Cadence
from marketplace.timeutil import to_amsterdam, utcnow


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    cadence: Cadence

    @property
    def key(self) -> str:
        if self.cadence == Cadence.QUARTERLY:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start.year}-{self.start.month:02d}"


def _month_end(year: int, month: int) -> date:
    following = date(year + month // 12, month % 12 + 1, 1)
    return following - timedelta(days=1)


def month_period(year: int, month: int) -> Period:
    return Period(date(year, month, 1), _month_end(year, month), Cadence.MONTHLY)


def quarter_period(year: int, quarter: int) -> Period:
    first = 3 * (quarter - 1) + 1
    return Period(date(year, first, 1), _month_end(year, first + 2), Cadence.QUARTERLY)


def periods_ending_in(year: int, month: int) -> list[Period]:
    """The month, plus its quarter when the month closes one."""
    periods = [month_period(year, month)]
    if month % 3 == 0:
        periods.append(quarter_period(year, month // 3))
    return periods


def parse_period(text: str) -> list[Period]:
    """'2026-10' -> that month (and its quarter when it closes one); '2026-Q4' -> the quarter."""
    value = (text or "").strip().upper()
    try:
        year_text, _sep, rest = value.partition("-")
        year = int(year_text)
        if rest.startswith("Q"):
            quarter = int(rest[1:])
            if not 1 <= quarter <= 4:
                raise ValueError
            return [quarter_period(year, quarter)]
        month = int(rest)
        if not 1 <= month <= 12 or year < 2000:
            raise ValueError
        return periods_ending_in(year, month)
    except ValueError:
        message = _("Use a period like 2026-10 or 2026-Q4.")
        raise InvalidInput(message, {"period": [message]}) from None


def due_periods(now: datetime | None = None) -> list[Period]:
    """The periods that ended with last month (Amsterdam calendar)."""
    today = to_amsterdam(now or utcnow()).date()
    last_month = today.replace(day=1) - timedelta(days=1)
    return periods_ending_in(last_month.year, last_month.month)
