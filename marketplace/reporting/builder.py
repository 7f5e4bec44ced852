"""Report HTML (one body for archive, mail and PDF) and the PDF via WeasyPrint."""

from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from babel.numbers import format_decimal
from flask import current_app, render_template
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from sqlalchemy import update

from marketplace.extensions import db
from marketplace.i18n import babel_locale_name
from marketplace.money import format_money
from marketplace.reporting.charts import Line, line_chart
from marketplace.reporting.figures import InitiativeReportFigures, PortfolioFigures
from marketplace.reporting.models import Report
from marketplace.reporting.pdf import PdfRenderer

BODY_START, BODY_END = "<!--report-body-->", "<!--/report-body-->"


@lru_cache(maxsize=1)
def report_css() -> str:
    return (Path(current_app.static_folder) / "css" / "reporting.css").read_text()


def external_url(endpoint: str, **values) -> str:
    """An absolute link under PUBLIC_BASE_URL for mail and PDF (no request context needed)."""
    base = urlsplit(current_app.config["PUBLIC_BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme
    )
    return adapter.build(endpoint, values, force_external=True)


def _month_label(month) -> str:
    return f"{month.month:02d}/{month.year % 100:02d}"


def _euro_axis(value: float) -> str:
    """Whole euros in the chart's data table: "€ 1.500,00" (Babel's currency pattern)."""
    return format_money(round(value) * 100, locale=babel_locale_name())


def _axis_number(value: float) -> str:
    return format_decimal(round(value), locale=babel_locale_name())


def _chart_labels() -> dict[str, str]:
    """The HTML texts around a report chart (axis title, first column of its data table)."""
    return {"axis_title": _("Amounts in euros"), "label_heading": _("Month")}


def format_quantity(value: Decimal) -> str:
    return format_decimal(value.normalize(), locale=babel_locale_name())


def portfolio_chart(figures: PortfolioFigures) -> str:
    points = figures.series[-24:]
    return line_chart(
        [_month_label(p.month) for p in points],
        [
            Line(_("Given (cumulative)"), [Decimal(p.given_cents) / 100 for p in points]),
            Line(_("Attributed social value"), [p.attributed_value for p in points]),
        ],
        title=_("Given and attributed social value per month"),
        value_format=_euro_axis,
        axis_format=_axis_number,
        **_chart_labels(),
    )


def initiative_chart(figures: InitiativeReportFigures) -> str:
    points = figures.series[-24:]
    return line_chart(
        [_month_label(p.month) for p in points],
        [
            Line(_("Inputs (cumulative)"), [Decimal(p.given_cents) / 100 for p in points]),
            Line(_("Social value"), [p.attributed_value for p in points]),
        ],
        title=_("Inputs and social value per month"),
        value_format=_euro_axis,
        axis_format=_axis_number,
        **_chart_labels(),
    )


def portfolio_title(figures, cadence: str) -> str:
    if cadence == "quarterly":
        quarter = (figures.period_start.month - 1) // 3 + 1
        return _(
            "Impact report Q%(quarter)d %(year)d", quarter=quarter, year=figures.period_start.year
        )
    return _("Impact report %(month)s", month=_month_name(figures.period_start))


def _month_name(day) -> str:
    return format_date(day, "MMMM yyyy")


def render_portfolio_body(owner_name: str, figures: PortfolioFigures, cadence: str, language: str):
    """(title, body HTML) of a funder's report, in `language`."""
    with force_locale(language):
        title = portfolio_title(figures, cadence)
        body = render_template(
            "reporting/_portfolio_body.html",
            title=title,
            owner_name=owner_name,
            figures=figures,
            chart=portfolio_chart(figures),
            format_quantity=format_quantity,
            methodology_url=external_url("impact.methodology"),
        )
    return title, body


def render_initiative_body(figures: InitiativeReportFigures, cadence: str, language: str):
    with force_locale(language):
        title = _("Funding and impact report %(month)s", month=_month_name(figures.period_start))
        if cadence == "quarterly":
            quarter = (figures.period_start.month - 1) // 3 + 1
            title = _(
                "Funding and impact report Q%(quarter)d %(year)d",
                quarter=quarter,
                year=figures.period_start.year,
            )
        body = render_template(
            "reporting/_initiative_body.html",
            title=title,
            figures=figures,
            chart=initiative_chart(figures),
            methodology_url=external_url("impact.methodology"),
        )
    return title, body


def document(
    title: str,
    body: str,
    language: str,
    unsubscribe_url: str | None = None,
    preferences_url: str | None = None,
    inline_css: bool = True,
    pdf_url: str | None = None,
) -> str:
    """A standalone HTML document (CSS inlined) for the archive copy and mail.

    With inline_css=False it is the PDF's document: the PDF renderer adds the same CSS, parsed once
    per process (see reporting/pdf.py).
    """
    with force_locale(language):
        return render_template(
            "reporting/_document.html",
            title=title,
            body=body,
            css=report_css() if inline_css else "",
            language=language,
            unsubscribe_url=unsubscribe_url,
            preferences_url=preferences_url,
            pdf_url=pdf_url,
        )


def extract_body(html: str) -> str:
    """The report body inside a stored document (shown on the site with the linked CSS)."""
    start, end = html.find(BODY_START), html.find(BODY_END)
    if start == -1 or end == -1:
        return ""
    return html[start + len(BODY_START) : end]


def report_pdf(report) -> bytes:
    """The PDF of a stored report, rendered from its HTML once and kept (first download wins)."""
    title, body = report.title, extract_body(report.html or "")
    with pdf_renderer() as renderer:
        pdf = renderer.submit(document(title, body, report.language, inline_css=False)).result()
    db.session.execute(
        update(Report).where(Report.id == report.id, Report.pdf.is_(None)).values(pdf=pdf)
    )
    db.session.commit()
    db.session.refresh(report)
    return report.pdf


def pdf_renderer(workers: int = 1):
    """A PdfRenderer for this app's report CSS (serial, or a pool of `workers` processes)."""
    return PdfRenderer(report_css(), current_app.config["PUBLIC_BASE_URL"], workers)
