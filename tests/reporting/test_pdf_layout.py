"""The impact report PDF fits A4: read back the position of every word (pdfplumber), no text
runs past the margins and no two words (header cells included) overlap, with long Dutch
initiative names and the longest column headers (Dutch and English)."""

import io
import itertools
from datetime import date

import pdfplumber
import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.organisations.services import create_organisation
from marketplace.reporting import runs
from marketplace.reporting.builder import report_pdf
from marketplace.reporting.models import OwnerType, Report
from tests.reporting.conftest import at

MM = 72 / 25.4
RIGHT_MARGIN_MM = 16  # reporting.css: @page { size: A4; margin: 18mm 16mm }
BODY_MARGIN_PT = 6  # report_ua.css: body { margin: 8px }
NAMES = [
    "Stichting Bewonersenergiecoöperatie Vlaardingen-Westwijk Duurzaamheidsinitiatiefnemers",
    "Buurtzorgcoöperatie Oosterpark",
    "Samen Eten Tilburg-Noord",
]


def words_overlap(a, b, tolerance=0.5) -> bool:
    return (
        min(a["x1"], b["x1"]) - max(a["x0"], b["x0"]) > tolerance
        and min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > tolerance
    )


def layout_faults(pdf_bytes: bytes) -> list[str]:
    faults = []
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as document:
        for page in document.pages:
            assert round(page.width / MM) == 210 and round(page.height / MM) == 297  # A4
            limit = page.width - RIGHT_MARGIN_MM * MM + 0.5
            # left margin (the same) + the body's 8 px margin (report_ua.css): a chart's axis
            # label starting left of it is cut off by the chart's box
            start = RIGHT_MARGIN_MM * MM + BODY_MARGIN_PT - 0.5
            words = page.extract_words(return_chars=True)
            faults += [
                f"page {page.page_number}: {w['text']!r} ends at {w['x1']:.0f} > {limit:.0f}"
                for w in words
                if w["x1"] > limit
            ]
            faults += [
                f"page {page.page_number}: {w['text']!r} starts at {w['x0']:.0f} < {start:.0f}"
                for w in words
                if w["x0"] < start
            ]
            # pdfplumber joins overlapping text into one "word" whose letters go back and forth
            # (kerning, "To", moves a letter back by a fraction of its width, not half of it)
            faults += [
                f"page {page.page_number}: letters of {w['text']!r} overlap"
                for w in words
                if any(b["x0"] < (a["x0"] + a["x1"]) / 2 for a, b in itertools.pairwise(w["chars"]))
            ]
            faults += [
                f"page {page.page_number}: {a['text']!r} overlaps {b['text']!r}"
                for i, a in enumerate(words)
                for b in words[i + 1 :]
                if words_overlap(a, b)
            ]
    return faults


@pytest.mark.parametrize("locale", ["nl", "en"])
def test_portfolio_report_pdf_fits_a4(
    app, make_user, make_initiative, pay, accepted_outcome, locale
):
    staff = make_user(locale=locale)
    org = create_organisation(staff, "Stichting Vrienden van de Lange Namen", "foundation")
    initiatives = [make_initiative(name=name) for name in NAMES]
    for n, initiative in enumerate(initiatives):
        pay(staff, initiative, 1_234_567 + n, at(2026, 9, 3), organisation_id=org.id)
        pay(staff, initiative, 98_765, at(2026, 10, 3), organisation_id=org.id)
    owner = initiatives[0].owners[0]
    september = (date(2026, 9, 1), date(2026, 9, 30))
    accepted_outcome(initiatives[0], owner, 12_345, *september, at(2026, 10, 5))
    app.config["REPORT_BUILD_WORKERS"] = 1

    runs.run_due_reports("2026-10", now=at(2026, 11, 1, 6))

    report = db.session.scalar(
        select(Report).where(Report.owner_type == OwnerType.ORGANISATION, Report.owner_id == org.id)
    )
    pdf = report_pdf(report)  # as its first download makes it
    assert pdf.startswith(b"%PDF")
    faults = layout_faults(pdf)
    assert not faults, "\n".join(faults)
