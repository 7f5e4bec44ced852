"""The open data documents (API, CSV and XLSX share them, so all say the same). The files are
data: "," and "." whatever the reader's language (marketplace/tables.py)."""

from decimal import Decimal

from marketplace.exchange import board, quotes
from marketplace.money import cents_to_decimal
from marketplace.tables import Column, Table

LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
CENT = Decimal("0.01")


def _envelope() -> dict:
    return {"licence": LICENCE, "licence_url": LICENCE_URL, "as_of": quotes.current_month()}


def quotes_document(theme=None, province=None, municipality=None) -> dict:
    if theme or province or municipality:
        quotes = board.board(
            theme=theme, province=province, municipality=municipality, per_page=10**9
        ).quotes
    else:
        quotes = board.all_quotes()
    return {**_envelope(), "items": quotes}


def indices_document() -> dict:
    return {
        **_envelope(),
        "items": [
            {"theme": name, "series": [{"month": p.month, "value": p.value} for p in points]}
            for name, points in board.index_points().items()
        ],
    }


def savings_document() -> dict:
    national, by_municipality = board.savings()
    return {
        **_envelope(),
        "national": {"fiscal": national.fiscal, "total": national.total},
        "by_municipality": [
            {"municipality": name, "fiscal": s.fiscal, "total": s.total}
            for name, s in by_municipality
        ],
    }


def _money(cents: int) -> Decimal:
    return cents_to_decimal(cents)


def _euros(value) -> Decimal:
    return Decimal(value).quantize(CENT)


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(value)


def quotes_table() -> Table:
    """Every quote; the open data file (CSV, XLSX) names its columns as the API does."""
    columns = [
        Column("initiative_id", "int"), Column("name"), Column("theme"), Column("municipality"),
        Column("province"), Column("social_return", "decimal", 4),
        Column("change_3m", "decimal", 4), Column("change_12m", "decimal", 4),
        Column("inputs", "money"), Column("social_value", "money"),
        Column("fiscal_value", "money"), Column("evidence_level", "int"), Column("as_of", "month"),
    ]  # fmt: skip
    rows = [
        [
            quote.initiative_id,
            quote.name,
            quote.theme,
            quote.municipality,
            quote.province,
            _decimal(quote.social_return),
            _decimal(quote.change_3m),
            _decimal(quote.change_12m),
            _money(quote.inputs_cents),
            _euros(quote.value_total),
            _euros(quote.value_fiscal),
            quote.evidence_level,
            quote.as_of.strftime("%Y-%m"),
        ]
        for quote in board.all_quotes()
    ]
    return Table("quotes", columns, rows)


def indices_table() -> Table:
    columns = [
        Column("theme"), Column("month", "month"), Column("value", "decimal", 4),
        Column("quoted_count", "int"), Column("inputs", "money"), Column("social_value", "money"),
        Column("aggregate_return", "decimal", 4),
    ]  # fmt: skip
    rows = [
        [
            name,
            p.month.strftime("%Y-%m"),
            _decimal(p.value),
            p.quoted_count,
            _money(p.inputs_cents),
            _euros(p.social_value),
            _decimal(p.aggregate_return),
        ]
        for name, points in board.index_points().items()
        for p in points
    ]
    return Table("indices", columns, rows)


def savings_table() -> Table:
    national, by_municipality = board.savings()
    columns = [Column("municipality"), Column("fiscal", "money"), Column("total", "money")]
    rows = [["(national)", _euros(national.fiscal), _euros(national.total)]]
    rows += [[name, _euros(s.fiscal), _euros(s.total)] for name, s in by_municipality]
    return Table("savings", columns, rows)


TABLES = {"quotes": quotes_table, "indices": indices_table, "savings": savings_table}
