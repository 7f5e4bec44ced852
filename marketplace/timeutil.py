"""Time: timezone-aware UTC in storage, Europe/Amsterdam in what people read."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def utcnow() -> datetime:
    return datetime.now(UTC)


def to_amsterdam(moment: datetime) -> datetime:
    return as_utc(moment).astimezone(AMSTERDAM)


def as_utc(moment: datetime) -> datetime:
    """Treat naive datetimes as UTC (SQLite returns them naive) and normalise aware ones."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def month_start(day: date) -> date:
    """The first day of the day's month (also turns a datetime into a plain date)."""
    return date(day.year, day.month, 1)


def amsterdam_month(moment: datetime) -> date:
    """The first day of the Amsterdam calendar month a UTC moment falls in."""
    return month_start(to_amsterdam(moment).date())


def months_between(first: date, later: date) -> int:
    """Whole calendar months from first's month to later's month (negative if earlier)."""
    return (later.year - first.year) * 12 + later.month - first.month


def month_range(first: date, last: date) -> list[date]:
    """First-of-month dates from first's month to last's month, both inclusive ([] if reversed)."""
    current, end = month_start(first), month_start(last)
    months: list[date] = []
    while current <= end:
        months.append(current)
        current = next_month(current)
    return months


def amsterdam_day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """[first 00:00, the day after last 00:00) in Amsterdam time, as aware datetimes."""
    low = datetime.combine(first, time(0), tzinfo=AMSTERDAM)
    high = datetime.combine(last + timedelta(days=1), time(0), tzinfo=AMSTERDAM)
    return low, high


def next_month(month: date) -> date:
    year, index = divmod(month.month, 12)
    return date(month.year + year, index + 1, 1)


def amsterdam_month_bounds(month: date) -> tuple[datetime, datetime]:
    """[the month's first 00:00, the next month's first 00:00) in Amsterdam time."""
    return amsterdam_day_bounds(month_start(month), next_month(month) - timedelta(days=1))


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every database, SQLite included."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return as_utc(value)
