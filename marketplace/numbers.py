"""Numbers as people read them, formatted by Babel in the reader's locale: "2,09", "80,0%",
"+12,5%", "2,9 km" in Dutch; "2.09", "80.0%", "2.9 km" in English. Pure: the locale is an
argument (the template filters in `templating.py` pass the request's). Money has its own module
(`money.py`); every other number a person reads goes through here, never through "%.2f" or
f-strings."""

from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from babel import Locale
from babel.numbers import NumberPattern, parse_pattern

DEFAULT_LOCALE = "nl_NL"
DASH = "–"


@lru_cache(maxsize=64)
def _compiled(pattern: str) -> NumberPattern:
    """A Babel number pattern, parsed once (a page of a thousand holdings formats thousands)."""
    return parse_pattern(pattern)


@lru_cache(maxsize=8)
def _locale(name: str) -> Locale:
    return Locale.parse(name)


def format_decimal(value, format: str | None = None, locale: str = DEFAULT_LOCALE) -> str:  # noqa: A002
    """babel.numbers.format_decimal with the parsed pattern and locale kept."""
    babel_locale = _locale(locale)
    pattern = _compiled(format) if format else babel_locale.decimal_formats[None]
    return pattern.apply(value, babel_locale)


def format_percent(value, format: str, locale: str = DEFAULT_LOCALE) -> str:  # noqa: A002
    """babel.numbers.format_percent with the parsed pattern and locale kept."""
    return _compiled(format).apply(value, _locale(locale))


@lru_cache(maxsize=8)
def _symbols(locale: str) -> tuple[str, str, str, str]:
    """(group, decimal, minus, percent) of a locale, Latin digits."""
    symbols = _locale(locale).number_symbols["latn"]
    return symbols["group"], symbols["decimal"], symbols["minusSign"], symbols["percentSign"]


def _fixed(rounded: Decimal, places: int, locale: str) -> str:
    """A rounded Decimal as "#,##0.00" would print it (the same as Babel, without parsing or
    re-quantizing: pages format thousands of figures)."""
    group, decimal, minus, _percent = _symbols(locale)
    text = format(abs(rounded), f".{places}f")
    whole, _dot, fraction = text.partition(".")
    parts = []
    while len(whole) > 3:
        parts.append(whole[-3:])
        whole = whole[:-3]
    parts.append(whole)
    number = group.join(reversed(parts)) + (decimal + fraction if places else "")
    return (minus if rounded < 0 and rounded.copy_abs() != 0 else "") + number


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
    return _fixed(rounded, places, locale)


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
