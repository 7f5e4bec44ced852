"""Numbers as people read them, formatted by Babel in the reader's locale: "2,09", "80,0%",
"+12,5%", "2,9 km" in Dutch; "2.09", "80.0%", "2.9 km" in English. Pure: the locale is an
argument (the template filters in `templating.py` pass the request's). Money has its own module
(`money.py`); every other number a person reads goes through here, never through "%.2f" or
f-strings."""

from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import format_decimal, format_percent

DEFAULT_LOCALE = "nl_NL"
DASH = "–"


def to_decimal(value) -> Decimal:
    """A float, int, str or Decimal as a Decimal (floats through their shortest repr)."""
    if isinstance(value, Decimal):
        return value
    return Decimal(str(value))


def _pattern(places: int, optional: bool = False) -> str:
    digit = "#" if optional else "0"
    return "#,##0" + ("." + digit * places if places else "")


def format_number(value, places: int = 2, locale: str = DEFAULT_LOCALE) -> str:
    """A number with a fixed number of decimals, half up: 2.085 -> "2,09" (nl); None -> "–"."""
    if value is None:
        return DASH
    quantum = Decimal(1).scaleb(-places)
    rounded = to_decimal(value).quantize(quantum, rounding=ROUND_HALF_UP)
    return format_decimal(rounded, format=_pattern(places), locale=locale)


def format_quantity(value, locale: str = DEFAULT_LOCALE) -> str:
    """A measured quantity as precise as it was given: 12.50 -> "12,5", 1500 -> "1.500"."""
    if value is None:
        return DASH
    return format_decimal(to_decimal(value).normalize(), locale=locale)


def format_fraction_percent(
    fraction, places: int = 1, locale: str = DEFAULT_LOCALE, signed: bool = False
) -> str:
    """A fraction as a percentage with `places` decimals: 0.8 -> "80,0%", signed -> "+80,0%"."""
    if fraction is None:
        return DASH
    quantum = Decimal(1).scaleb(-(places + 2))
    rounded = to_decimal(fraction).quantize(quantum, rounding=ROUND_HALF_UP)
    pattern = _pattern(places) + "%"
    if signed:
        pattern = f"+{pattern};-{pattern}"
    return format_percent(rounded, format=pattern, locale=locale)


def format_share_percent(fraction, locale: str = DEFAULT_LOCALE) -> str:
    """A share of a whole, with as many decimals as it needs to be seen: 0.5 -> "50%",
    0.008333 -> "0,8%", 0.0004 -> "< 0,1%" (never "0%" for something above zero)."""
    if fraction is None:
        return DASH
    value = to_decimal(fraction)
    if Decimal(0) < value < Decimal("0.0005"):
        return "< " + format_percent(Decimal("0.001"), format="#,##0.0%", locale=locale)
    rounded = value.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)
    return format_percent(rounded, format="#,##0.#%", locale=locale)


def format_km(value, locale: str = DEFAULT_LOCALE) -> str:
    """A distance in kilometres with one decimal: 2.94 -> "2,9 km"."""
    if value is None:
        return DASH
    return format_number(value, 1, locale) + "\N{NO-BREAK SPACE}km"
