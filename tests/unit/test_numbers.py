"""Numbers as Dutch (and English) readers read them: Babel, never "%.2f"."""

from decimal import Decimal

import pytest

from marketplace.numbers import (
    format_fraction_percent,
    format_km,
    format_number,
    format_quantity,
    format_share_percent,
)


def test_dutch_numbers_use_a_decimal_comma():
    assert format_number(Decimal("2.085")) == "2,09"  # half up
    assert format_number(12345.678, 1) == "12.345,7"
    assert format_fraction_percent(Decimal("0.8")) == "80,0%"
    assert format_km(2.94) == "2,9\N{NO-BREAK SPACE}km"
    assert format_quantity(Decimal("1500.50")) == "1.500,5"


def test_english_numbers_use_a_decimal_point():
    assert format_number(Decimal("2.085"), locale="en_GB") == "2.09"
    assert format_fraction_percent(Decimal("0.8"), locale="en_GB") == "80.0%"
    assert format_km(2.94, locale="en_GB") == "2.9\N{NO-BREAK SPACE}km"


def test_signed_changes():
    assert format_fraction_percent(Decimal("0.125"), signed=True) == "+12,5%"
    assert format_fraction_percent(Decimal("-0.03"), signed=True) == "-3,0%"


@pytest.mark.parametrize(
    ("fraction", "text"),
    [
        (Decimal(25) / Decimal(3000), "0,8%"),  # € 25 of € 3.000: not "0%"
        (Decimal("0.5"), "50%"),
        (Decimal(1) / Decimal(3), "33,3%"),
        (Decimal("0.0002"), "< 0,1%"),  # something is never shown as nothing
        (Decimal(0), "0%"),
        (Decimal("1.2"), "120%"),
    ],
)
def test_shares_show_the_decimals_they_need(fraction, text):
    assert format_share_percent(fraction) == text


def test_none_is_a_dash():
    assert format_number(None) == format_fraction_percent(None) == format_km(None) == "–"


@pytest.mark.parametrize(("lang", "text"), [("nl", "(0,8%)"), ("en", "(0.8%)")])
def test_progress_macro_shows_the_fraction(app, lang, text):
    with app.test_request_context(f"/?lang={lang}"):
        macro = app.jinja_env.get_template("macros/forms.html").module.progress
        html = str(macro(2500, 300000))
    assert text in html
    assert 'max="300000" value="2500" class="started"' in html
