"""Money formatting: the cached formatter gives exactly babel's format_currency output."""

import random
from decimal import ROUND_HALF_UP, Decimal

import pytest
from babel.numbers import format_currency

from marketplace.money import (
    InvalidAmount,
    _cents_formatter,
    cents_to_decimal,
    format_euros,
    format_money,
    parse_cents,
)

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


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("1.500,00", 150000),  # Dutch, with thousands
        ("1500,00", 150000),  # Dutch, without
        ("1500.00", 150000),  # the decimal string of the API
        ("1,500.00", 150000),  # English, with thousands
        ("1.500", 150000),  # a lone separator before three digits groups thousands (nl)
        ("1,500", 150000),  # and in English; money has no three decimals, so no other reading
        ("1,5", 150),  # a comma before one digit is the decimal comma
        ("1.5", 150),
        ("25", 2500),
        ("25,5", 2550),
        ("0,05", 5),
        ("1.234.567,89", 123456789),
        ("1,234,567.89", 123456789),
        ("12.500.000", 1250000000),
        ("€ 25,00", 2500),
        (" 2 500,00 ", 250000),  # spaces (also the narrow no-break space) are ignored
        ("2\u202f500,00", 250000),
        (25, 2500),
        (Decimal("25.5"), 2550),
    ],
)
def test_amounts_as_people_type_them(text, cents):
    assert parse_cents(text) == cents


@pytest.mark.parametrize(
    "text",
    [
        "1.500.00",  # the same sign cannot group and separate decimals
        "1,500,00",
        "1.500,000",  # three decimals after a grouped amount
        "1,5000",  # four decimals
        "25.123",  # ... but this is 25123, see below
        "12.34.567",  # groups not of three
        "0.500",  # a group separator after a leading zero: neither reading is plausible
        "1.50.0",
        ",50",
        "25.",
        "1.5,00",
        "",
        "abc",
        "²",
        "١٢",
        "1\x00",
        "-5",
        "99999999999999",  # more than 13 whole digits
        None,
        True,
    ],
)
def test_ambiguous_or_malformed_amounts_are_refused(text):
    if text == "25.123":
        assert parse_cents(text) == 2512300  # three digits after the only separator: thousands
        return
    with pytest.raises(InvalidAmount):
        parse_cents(text)


def test_negative_amounts_only_where_allowed():
    assert parse_cents("-10.00", allow_negative=True) == -1000
    assert parse_cents("-1.500,50", allow_negative=True) == -150050
