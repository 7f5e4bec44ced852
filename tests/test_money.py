"""Money formatting: the cached formatter gives exactly babel's format_currency output."""

import random
from decimal import ROUND_HALF_UP, Decimal

import pytest
from babel.numbers import format_currency

from marketplace.money import _cents_formatter, cents_to_decimal, format_euros, format_money

LOCALES = ["nl_NL", "nl", "en", "en_US", "de_DE", "fr_FR", "en_IN", "he_IL"]


def test_format_money_examples():
    assert format_money(123456) == "€\xa01.234,56"
    assert format_money(123456, locale="en") == "€1,234.56"
    assert format_money(-5) == "€\xa0-0,05"
    assert format_money(0, locale="en") == "€0.00"
    assert format_euros(Decimal("1234.565")) == "€\xa01.234,57"  # half up, as before
    assert format_euros(Decimal("-0.001"), locale="en") == "-€0.00"  # negative zero, as babel


@pytest.mark.parametrize("locale", LOCALES)
def test_fast_formatter_matches_babel_for_many_amounts(locale):
    assert _cents_formatter("EUR", locale) is not None
    rng = random.Random(locale)
    for _ in range(2000):
        cents = rng.choice([rng.randint(-(10**6), 10**6), rng.randint(-(10**14), 10**14)])
        expected = format_currency(cents_to_decimal(cents), "EUR", locale=locale)
        assert format_money(cents, "EUR", locale) == expected, cents
        value = Decimal(rng.randint(-(10**10), 10**10)) / Decimal(rng.randint(1, 10**5))
        rounded = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        assert format_euros(value, locale) == format_currency(rounded, "EUR", locale=locale)


def test_other_currencies_and_odd_input_fall_back_to_babel():
    assert _cents_formatter("JPY", "nl_NL") is None  # no cents in yen
    assert format_money(12345, "JPY", "en") == format_currency(
        Decimal("123.45"), "JPY", locale="en"
    )
    assert format_money(12345, "USD", "en") == "$123.45"
    assert _cents_formatter("EUR", "xx_NOWHERE") is None
    assert format_money(Decimal(250), locale="en") == "€2.50"  # not an int: babel path
