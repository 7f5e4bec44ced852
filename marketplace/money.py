"""Money: integer cents plus a currency code.

The only place that turns "25.00" into cents and back.
"""

import re
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from babel import Locale
from babel.numbers import (
    format_currency,
    get_currency_precision,
    get_currency_symbol,
    get_decimal_symbol,
    get_group_symbol,
)

DEFAULT_CURRENCY = "EUR"
CENT = Decimal("0.01")


class InvalidAmount(ValueError):
    """An amount that is not a valid decimal money string."""


# ASCII digits and separators; what the separators mean is decided in `parse_cents` (Dutch
# "1.500,00", plain "1500,00", English "1,500.00" and "1500.00").
AMOUNT_PATTERN = re.compile(r"^[0-9][0-9.,]*$")
DIGITS = re.compile(r"^[0-9]+$")
GROUPED = re.compile(r"^[1-9][0-9]{0,2}(?:[.,][0-9]{3})+$")
SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
MAX_WHOLE_DIGITS = 13


def parse_cents(text: str | int | Decimal, *, allow_negative: bool = False) -> int:
    """Parse an amount in euros into cents: "25", "25.5", "25,50", "1500.00", "1.500,00".

    The last separator followed by one or two digits is the decimal separator; every other
    separator groups thousands and must stand between groups of three digits. A lone separator
    followed by three digits groups thousands too ("1.500" and "1,500" are fifteen hundred): an
    amount of money never has three decimals, so it has no other reading. More than two
    decimals, or groups that are not of three, are invalid. A leading "€" and spaces are ignored.
    """
    if isinstance(text, bool) or text is None:
        raise InvalidAmount("not an amount")
    cleaned = SPACES.sub("", str(text))
    sign = cleaned.startswith("-")
    body = cleaned.removeprefix("-").removeprefix("€")
    if not AMOUNT_PATTERN.match(body):
        raise InvalidAmount("not a number")
    whole, fraction = _split_decimals(body)
    if len(whole) > MAX_WHOLE_DIGITS:
        raise InvalidAmount("too large")
    if sign and not allow_negative:
        raise InvalidAmount("negative amount")
    cents = int(whole) * 100 + int(fraction.ljust(2, "0"))
    return -cents if sign else cents


def _split_decimals(body: str) -> tuple[str, str]:
    """ "1.500,00" -> ("1500", "00"); raises InvalidAmount for anything ambiguous or malformed."""
    last = max(body.rfind("."), body.rfind(","))
    if last == -1:
        return body, ""
    tail = body[last + 1 :]
    if not DIGITS.match(tail):
        raise InvalidAmount("not a number")
    if len(tail) <= 2:
        whole, fraction = body[:last], tail
    elif len(tail) == 3:
        whole, fraction = body, ""
    else:
        raise InvalidAmount("at most two decimals")
    if whole and not DIGITS.match(whole):
        if not GROUPED.match(whole) or len(set(re.sub(r"[0-9]", "", whole))) != 1:
            raise InvalidAmount("not a number")
        if fraction and body[last] in whole:
            raise InvalidAmount("not a number")  # the same sign cannot group and separate
        whole = re.sub(r"[.,]", "", whole)
    if not whole:
        raise InvalidAmount("not a number")
    return whole, fraction


def cents_to_decimal(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(CENT)


def format_cents(cents: int) -> str:
    """Cents as the decimal string used at every edge: 2500 -> "25.00"."""
    return str(cents_to_decimal(cents))


def format_money(cents: int, currency: str = DEFAULT_CURRENCY, locale: str = "nl_NL") -> str:
    """Locale formatting for people: 123456 -> "€ 1.234,56" (nl) or "€1,234.56" (en)."""
    fast = _cents_formatter(currency, str(locale)) if type(cents) is int else None
    if fast is not None:
        return fast(cents < 0, abs(cents))
    return format_currency(cents_to_decimal(cents), currency, locale=locale)


def format_euros(value: Decimal, locale: str = "nl_NL", currency: str = DEFAULT_CURRENCY) -> str:
    """Locale formatting for a computed Decimal euro amount (rounded to cents for display)."""
    rounded = value.quantize(CENT, rounding=ROUND_HALF_UP)
    fast = _cents_formatter(currency, str(locale))
    if fast is not None and rounded.is_finite():
        return fast(rounded.is_signed(), abs(int(rounded.scaleb(2))))
    return format_currency(rounded, currency, locale=locale)


# babel's format_currency parses the locale and looks up the pattern, the symbols and even the
# currency's long name on every call (~25-50 µs); a page with hundreds of amounts spends most of
# its time there.
# The formatter below is built once per (currency, locale) from the same pattern and symbols, for
# amounts in whole cents of a two-decimal currency, and is used only if it gives exactly babel's
# output for a set of probes; otherwise (or for other currencies) babel formats every amount.

_PROBE_CENTS = (0, 1, 5, 10, 99, 100, 105, 999, 1000, 12345, 100000, 123456, 1234567, 99999999,
                123456789, 1000000000, 98765432101, 12345678901234)  # fmt: skip


@lru_cache(maxsize=64)
def _cents_formatter(currency: str, locale: str) -> Callable[[bool, int], str] | None:
    """(negative, absolute cents) -> text exactly as format_currency; None when not possible."""
    try:
        parsed = Locale.parse(locale)
        if get_currency_precision(currency) != 2:
            return None
        pattern = parsed.currency_formats["standard"]
        if pattern.exp_prec or "@" in pattern.pattern or pattern.scale or pattern.int_prec[0] > 1:
            return None
        symbols = {
            "group": get_group_symbol(parsed, numbering_system="latn"),
            "decimal": get_decimal_symbol(parsed, numbering_system="latn"),
            "currency": get_currency_symbol(currency, parsed),
        }
    except Exception:  # noqa: BLE001 (unknown locale or currency: babel decides, and raises)
        return None
    affixes = [
        _affix(pattern.prefix[negative], currency, symbols["currency"]) for negative in (0, 1)
    ]
    suffixes = [
        _affix(pattern.suffix[negative], currency, symbols["currency"]) for negative in (0, 1)
    ]
    if (
        any(a is None for a in (*affixes, *suffixes))
        or "'" in symbols["group"] + symbols["decimal"]
    ):
        return None
    primary, secondary = pattern.grouping
    group, decimal_symbol = symbols["group"], symbols["decimal"]

    def fast(negative: bool, cents: int) -> str:
        whole, fraction = divmod(cents, 100)
        digits = str(whole)
        if len(digits) > primary:
            parts = [digits[-primary:]]
            digits = digits[:-primary]
            while len(digits) > secondary:
                parts.append(digits[-secondary:])
                digits = digits[:-secondary]
            parts.append(digits)
            digits = group.join(reversed(parts))
        sign = 1 if negative else 0
        return f"{affixes[sign]}{digits}{decimal_symbol}{fraction:02d}{suffixes[sign]}"

    for cents in _PROBE_CENTS:
        for negative in (False, True):
            value = (Decimal(-cents if negative else cents) / 100).quantize(CENT)
            if negative and not cents:
                value = Decimal("-0.00")
            if fast(negative, cents) != format_currency(value, currency, locale=parsed):
                return None
    return fast


def _affix(text: str, currency: str, symbol: str) -> str | None:
    """A pattern prefix or suffix with the currency placeholders and quotes resolved as babel
    does; None for the long currency name, which depends on the amount (plural forms)."""
    if "¤¤¤" in text:
        return None
    text = text.replace("¤¤", currency.upper()).replace("¤", symbol)
    return re.sub(r"'([^']*)'", lambda m: m.group(1) or "'", text)
