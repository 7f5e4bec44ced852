"""Exact parsing of the numbers people type: fractions, quantities, proxies and dates."""

from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _

from marketplace.timeutil import to_amsterdam, utcnow

MAX_QUANTITY = Decimal("1000000000000")


def amsterdam_today() -> date:
    """Today's date where the platform is (a report period or proxy date is a Dutch date)."""
    return to_amsterdam(utcnow()).date()


class ParseError(ValueError):
    """A value that cannot be used; the message is for people."""


def parse_decimal(value, *, places: int, minimum: Decimal = Decimal(0), maximum=None) -> Decimal:
    """A finite Decimal with at most `places` decimals within bounds; "1,5" is read as 1.5.

    Floats are refused by the API schemas before they get here; strings and ints are exact.
    """
    if isinstance(value, bool) or value is None:
        raise ParseError(_("Enter a number."))
    if isinstance(value, Decimal | int):
        number = Decimal(value)
    else:
        text = str(value).strip().replace(",", ".")
        if not text:
            raise ParseError(_("Enter a number."))
        try:
            number = Decimal(text)
        except InvalidOperation as exc:
            raise ParseError(_("Enter a number.")) from exc
    if not number.is_finite():
        raise ParseError(_("Enter a number."))
    exponent = number.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        raise ParseError(_("At most %(n)d decimals.", n=places))
    if number < minimum:
        raise ParseError(_("Must be at least %(min)s.", min=minimum))
    if maximum is not None and number > maximum:
        raise ParseError(_("Must be at most %(max)s.", max=maximum))
    return number


def parse_fraction(value) -> Decimal:
    """A filter as a fraction between 0 and 1, such as 0.25."""
    return parse_decimal(value, places=4, minimum=Decimal(0), maximum=Decimal(1))


def parse_quantity(value) -> Decimal:
    return parse_decimal(value, places=4, minimum=Decimal(0), maximum=MAX_QUANTITY)


def parse_proxy(value) -> Decimal:
    return parse_decimal(value, places=6, minimum=Decimal(0), maximum=MAX_QUANTITY)


def parse_duration(value) -> int:
    number = parse_decimal(value, places=0, minimum=Decimal(1), maximum=Decimal(50))
    return int(number)


def parse_date(value) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value or "").strip())
    except ValueError as exc:
        raise ParseError(_("Enter a date as YYYY-MM-DD.")) from exc


def parse_year(value) -> int | None:
    if value in (None, ""):
        return None
    number = parse_decimal(value, places=0, minimum=Decimal(1900), maximum=Decimal(2100))
    return int(number)
