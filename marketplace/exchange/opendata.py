"""The open data documents (API and CSV share them, so both always say the same)."""

import csv
import io
from decimal import Decimal

from marketplace.exchange import board, quotes
from marketplace.money import format_cents

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


def _csv(header: list[str], rows) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def _s(value) -> str:
    return "" if value is None else str(value)


def quotes_csv() -> str:
    return _csv(
        [
            "initiative_id",
            "name",
            "theme",
            "municipality",
            "province",
            "social_return",
            "change_3m",
            "change_12m",
            "inputs",
            "social_value",
            "fiscal_value",
            "evidence_level",
            "as_of",
        ],
        (
            [
                quote.initiative_id,
                quote.name,
                quote.theme,
                quote.municipality,
                quote.province,
                _s(quote.social_return),
                _s(quote.change_3m),
                _s(quote.change_12m),
                format_cents(quote.inputs_cents),
                str(Decimal(quote.value_total).quantize(CENT)),
                str(Decimal(quote.value_fiscal).quantize(CENT)),
                _s(quote.evidence_level),
                quote.as_of.strftime("%Y-%m"),
            ]
            for quote in board.all_quotes()
        ),
    )


def indices_csv() -> str:
    return _csv(
        ["theme", "month", "value", "quoted_count", "inputs", "social_value", "aggregate_return"],
        (
            [
                name,
                p.month.strftime("%Y-%m"),
                _s(p.value),
                p.quoted_count,
                format_cents(p.inputs_cents),
                str(Decimal(p.social_value).quantize(CENT)),
                _s(p.aggregate_return),
            ]
            for name, points in board.index_points().items()
            for p in points
        ),
    )


def savings_csv() -> str:
    national, by_municipality = board.savings()
    rows = [["(national)", str(national.fiscal.quantize(CENT)), str(national.total.quantize(CENT))]]
    rows += [
        [name, str(s.fiscal.quantize(CENT)), str(s.total.quantize(CENT))]
        for name, s in by_municipality
    ]
    return _csv(["municipality", "fiscal", "total"], rows)
