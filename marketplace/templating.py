"""Template filters and globals shared by every page, mail and PDF."""

from datetime import date, datetime
from decimal import Decimal

from flask import Flask, request, url_for
from flask_babel import format_date, format_datetime, get_locale

from marketplace.i18n import babel_locale_name
from marketplace.money import format_euros, format_money
from marketplace.numbers import (
    format_fraction_percent,
    format_km,
    format_number,
    format_quantity,
    format_share_percent,
)
from marketplace.text import render_markdown


def money_filter(cents: int | None, currency: str = "EUR") -> str:
    return format_money(cents or 0, currency, locale=babel_locale_name())


def euros_filter(value: Decimal | None) -> str:
    return format_euros(value or Decimal(0), locale=babel_locale_name())


def number_filter(value, places: int = 2) -> str:
    """2.085 -> "2,09" (nl), "2.09" (en); None -> "–"."""
    return format_number(value, places, locale=babel_locale_name())


def percent_filter(fraction, places: int = 1, signed: bool = False) -> str:
    """A fraction as a percentage: 0.8 -> "80,0%" (nl)."""
    return format_fraction_percent(fraction, places, locale=babel_locale_name(), signed=signed)


def share_filter(fraction) -> str:
    """A share with the decimals it needs: 25/3000 -> "0,8%", never "0%" above zero."""
    return format_share_percent(fraction, locale=babel_locale_name())


def km_filter(value) -> str:
    return format_km(value, locale=babel_locale_name())


def quantity_filter(value) -> str:
    return format_quantity(value, locale=babel_locale_name())


def datetime_filter(value: datetime | None, fmt: str = "medium") -> str:
    return format_datetime(value, fmt) if value else ""


def date_filter(value: date | datetime | None, fmt: str = "medium") -> str:
    return format_date(value, fmt) if value else ""


def page_url(endpoint: str, page: int) -> str:
    """The current page's URL with its filters kept and another page number."""
    args = {**request.view_args, **request.args.to_dict(), "page": page}
    return url_for(endpoint, **args)


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.filters["money"] = money_filter
    app.jinja_env.filters["euros"] = euros_filter
    app.jinja_env.filters["number"] = number_filter
    app.jinja_env.filters["percent"] = percent_filter
    app.jinja_env.filters["share"] = share_filter
    app.jinja_env.filters["km"] = km_filter
    app.jinja_env.filters["quantity"] = quantity_filter
    app.jinja_env.filters["datetime"] = datetime_filter
    app.jinja_env.filters["date"] = date_filter
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale() or "nl")
    app.jinja_env.globals["page_url"] = page_url
    app.jinja_env.add_extension("jinja2.ext.i18n")
