"""Money: integer cents plus a currency code.

The only place that turns "25.00" into cents and back.
"""

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import format_currency

DEFAULT_CURRENCY = "EUR"
CENT = Decimal("0.01")


class InvalidAmount(ValueError):
    """An amount that is not a valid decimal money string."""


@dataclass(frozen=True, order=True)
class Money:
    cents: int
    currency: str = DEFAULT_CURRENCY

    def __post_init__(self):
        if not isinstance(self.cents, int) or isinstance(self.cents, bool):
            raise TypeError("Money.cents must be an int")

    @classmethod
    def parse(cls, text: str, currency: str = DEFAULT_CURRENCY) -> "Money":
        return cls(parse_cents(text), currency)

    @property
    def amount(self) -> Decimal:
        return cents_to_decimal(self.cents)

    def __str__(self) -> str:
        return format_cents(self.cents)

    def __add__(self, other: "Money") -> "Money":
        self._check_currency(other)
        return Money(self.cents + other.cents, self.currency)

    def __sub__(self, other: "Money") -> "Money":
        self._check_currency(other)
        return Money(self.cents - other.cents, self.currency)

    def _check_currency(self, other: "Money") -> None:
        if self.currency != other.currency:
            raise ValueError(f"cannot combine {self.currency} and {other.currency}")


AMOUNT_PATTERN = re.compile(r"^(-?)(\d{1,13})(?:[.,](\d+))?$")


def parse_cents(text: str | int | Decimal, *, allow_negative: bool = False) -> int:
    """Parse "25", "25.5", "25.00" or "25,00" into cents; more than two decimals is invalid."""
    if isinstance(text, bool) or text is None:
        raise InvalidAmount("not an amount")
    match = AMOUNT_PATTERN.match(str(text).strip())
    if not match:
        raise InvalidAmount("not a number")
    sign, whole, fraction = match.groups()
    fraction = fraction or ""
    if len(fraction) > 2:
        raise InvalidAmount("at most two decimals")
    if sign and not allow_negative:
        raise InvalidAmount("negative amount")
    cents = int(whole) * 100 + int(fraction.ljust(2, "0"))
    return -cents if sign else cents


def cents_to_decimal(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(CENT)


def format_cents(cents: int) -> str:
    """Cents as the decimal string used at every edge: 2500 -> "25.00"."""
    return str(cents_to_decimal(cents))


def decimal_to_cents(value: Decimal) -> int:
    """Round a computed euro amount to whole cents (half up)."""
    return int((value * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def format_money(cents: int, currency: str = DEFAULT_CURRENCY, locale: str = "nl_NL") -> str:
    """Locale formatting for people: 123456 -> "€ 1.234,56" (nl) or "€1,234.56" (en)."""
    return format_currency(cents_to_decimal(cents), currency, locale=locale)


def format_euros(value: Decimal, locale: str = "nl_NL", currency: str = DEFAULT_CURRENCY) -> str:
    """Locale formatting for a computed Decimal euro amount (rounded to cents for display)."""
    return format_currency(value.quantize(CENT, rounding=ROUND_HALF_UP), currency, locale=locale)
