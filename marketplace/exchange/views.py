"""Public pages of the social stock exchange: board, indices, savings, municipalities, map."""

import json
from datetime import date
from decimal import Decimal

from flask import Blueprint, Response, current_app, render_template, request
from flask_babel import format_decimal
from flask_babel import gettext as _

from marketplace import geo, tables
from marketplace.errors import NotFound
from marketplace.exchange import board, opendata
from marketplace.exchange.models import ALL
from marketplace.i18n import babel_locale_name
from marketplace.initiatives.models import THEME_LABELS, Theme
from marketplace.inputs import int_arg, page_arg
from marketplace.numbers import format_fraction_percent
from marketplace.pagecache import cached_page, do_not_cache

bp = Blueprint("exchange", __name__, url_prefix="/exchange")

CSV_CACHE_SECONDS = 300


def _jsonable(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.strftime("%Y-%m")
    raise TypeError(type(value).__name__)


def chart_json(payload) -> str:
    """A JSON data block for the chart script (rendered in <script type="application/json">)."""
    return json.dumps(payload, default=_jsonable)


def series_label(name: str) -> str:
    return _("All themes") if name == ALL else str(THEME_LABELS[Theme(name)])


def _theme_arg() -> str | None:
    theme = request.args.get("theme") or None
    return theme if theme in {t.value for t in Theme} else None


@bp.route("/")
@cached_page(lambda **_args: ["exchange"])
def home():
    """The board: quoted initiatives, sortable and filterable, with the index summary."""
    page = page_arg()
    current = board.board(
        theme=_theme_arg(),
        province=request.args.get("province") or None,
        municipality=request.args.get("municipality") or None,
        sort=request.args.get("sort", "return"),
        direction=request.args.get("dir", "desc"),
        page=page,
        per_page=board.PAGE_SIZE,
    )
    national, _by_municipality = board.savings()
    return render_template(
        "exchange/home.html",
        board=current,
        summary=board.latest_index_values(),
        national=national,
        choices=board.filter_choices(),
        themes=list(Theme),
        series_label=series_label,
        args=request.args,
    )


@bp.route("/indices")
@bp.route("/indices/<name>")
@cached_page(lambda **_args: ["exchange"])
def indices(name: str | None = None):
    """Line charts of the indices (all, or one theme), with a table fallback."""
    if name is not None and name != ALL and name not in {t.value for t in Theme}:
        raise NotFound()
    points = board.index_points(name)
    data = {
        "series": [
            {
                "key": key,
                "label": series_label(key),
                "points": [{"month": p.month, "value": p.value} for p in values],
            }
            for key, values in points.items()
        ],
        "y_label": _("Index (base 100)"),
    }
    return render_template(
        "exchange/indices.html",
        name=name,
        points=points,
        chart_data=chart_json(data),
        series_label=series_label,
        summary=board.latest_index_values(),
    )


@bp.route("/indices.json")
def indices_json():
    """The index series for charts (same numbers as the open data API)."""
    document = opendata.indices_document()
    return Response(chart_json(document), mimetype="application/json")


@bp.route("/method")
@cached_page(lambda **_args: ["exchange"])
def method():
    """How quotes, indices, comparables and savings are defined."""
    return render_template("exchange/method.html", licence=opendata.LICENCE)


@bp.route("/savings")
@cached_page(lambda **_args: ["exchange"])
def savings():
    """What society saves: national counter and per-municipality totals."""
    national, by_municipality = board.savings()
    return render_template(
        "exchange/savings.html",
        national=national,
        by_municipality=by_municipality,
        slugify=board.slugify,
    )


@bp.route("/municipalities/<slug>")
@cached_page(lambda **_args: ["exchange", "initiatives"])
def municipality(slug: str):
    """A municipality's initiatives and what they save."""
    page = board.municipality_page(slug)
    return render_template("exchange/municipality.html", page=page, themes=THEME_LABELS)


@bp.route("/map")
@cached_page(lambda **_args: ["exchange", "initiatives"])
def map_page():
    """Discover nearby: a map of initiatives and a search by postcode or place with distance."""
    query = (request.args.get("q") or "").strip()
    radius = int_arg("radius", 25, minimum=1, maximum=200)
    place = geo.locate(query) if query else None
    if place is not None and place.source == "table":
        do_not_cache()  # the geocoder was down: the next visitor should get its answer
    results = board.nearby(place, radius) if place else []
    return render_template(
        "exchange/map.html",
        query=query,
        radius=radius,
        place=place,
        results=results,
        searched=bool(query),
        tile_url=current_app.config["MAP_TILE_URL"],
        tile_attribution=current_app.config["MAP_TILE_ATTRIBUTION"],
        themes=THEME_LABELS,
    )


@bp.route("/map.json")
def map_json():
    """Markers for the map: published initiatives with coordinates."""
    return Response(chart_json({"markers": board.map_markers()}), mimetype="application/json")


def _cached(response: Response) -> Response:
    response.headers["Cache-Control"] = f"public, max-age={CSV_CACHE_SECONDS}"
    return response


def _open_data(name: str, fmt: str) -> Response:
    """An open data table as a file: CSV is a data file, with "," and "." in every language."""
    table = opendata.TABLES[name]()
    if fmt == "xlsx":
        return _cached(tables.xlsx_response(table, f"impactbeurs-{name}.xlsx"))
    return _cached(tables.csv_response(table, f"impactbeurs-{name}.csv", tables.DATA))


@bp.route("/quotes.csv")
def quotes_csv():
    """All quotes as CSV (CC BY 4.0)."""
    return _open_data("quotes", "csv")


@bp.route("/quotes.xlsx")
def quotes_xlsx():
    """All quotes as XLSX (CC BY 4.0)."""
    return _open_data("quotes", "xlsx")


@bp.route("/indices.csv")
def indices_csv():
    """All index points as CSV (CC BY 4.0)."""
    return _open_data("indices", "csv")


@bp.route("/indices.xlsx")
def indices_xlsx():
    """All index points as XLSX (CC BY 4.0)."""
    return _open_data("indices", "xlsx")


@bp.route("/savings.csv")
def savings_csv():
    """Savings per municipality as CSV (CC BY 4.0)."""
    return _open_data("savings", "csv")


@bp.route("/savings.xlsx")
def savings_xlsx():
    """Savings per municipality as XLSX (CC BY 4.0)."""
    return _open_data("savings", "xlsx")


@bp.app_template_filter("ratio")
def ratio_filter(value) -> str:
    """A social return as "3,25" (euros of social value per euro of input)."""
    if value is None:
        return "–"
    return format_decimal(Decimal(value), format="#,##0.00")


@bp.app_template_filter("change")
def change_filter(value) -> str:
    """A fractional change as a signed percentage ("+12,5%")."""
    if value is None:
        return "–"
    fraction = Decimal(value)
    return format_fraction_percent(fraction, 1, locale=babel_locale_name(), signed=fraction != 0)


@bp.app_template_filter("index_value")
def index_value_filter(value) -> str:
    if value is None:
        return "–"
    return format_decimal(Decimal(value), format="#,##0.0")


@bp.context_processor
def exchange_context() -> dict:
    return {
        "theme_labels": {theme.value: theme.label for theme in Theme},
        "series_label": series_label,
        "figures_updated_at": board.figures_updated_at,
    }


def initiative_section(initiative) -> dict:
    """The benchmark block of an initiative's page (`exchange` None when it is not quoted)."""
    bench = board.benchmark(initiative.id)
    if bench is None:
        return {"exchange": None}
    data = {
        "series": [
            {
                "key": "initiative",
                "label": initiative.name,
                "points": bench.own_line,
                "axis": "y",
            },
            {
                "key": bench.quote.theme,
                "label": _("Index %(theme)s", theme=series_label(bench.quote.theme)),
                "points": bench.theme_line,
                "axis": "y1",
            },
        ],
        "y_label": _("Social return (euros per euro)"),
        "y1_label": _("Index (base 100)"),
    }
    return {
        "exchange": {
            "quote": bench.quote,
            "comparables": bench.comparables,
            "percentile": bench.percentile,
            "own_line": bench.own_line,
            "chart_data": chart_json(data),
        }
    }
