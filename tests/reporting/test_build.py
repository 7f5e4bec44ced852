"""Building reports fast: the PDF process pool and the PDF renderer (see reporting/pdf.py)."""

import contextlib
import re
import zlib
from pathlib import Path

import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.mail.models import MailMessage
from marketplace.reporting import pdf, preferences, runs
from marketplace.reporting.models import Report, ReportState
from tests.reporting.conftest import at

PERIOD = "2026-10"


def test_pool_builds_every_report_once_with_its_pdf(
    app, make_user, make_initiative, pay, monkeypatch
):
    monkeypatch.setattr(runs, "POOL_MIN_REPORTS", 1)
    monkeypatch.setitem(app.config, "REPORT_BUILD_WORKERS", 2)
    initiative = make_initiative(name="Buurtkracht Zuid")
    donors = [make_user(locale=locale) for locale in ("nl", "en", "en")]
    for donor in donors:
        pay(donor, initiative, 2500, at(2026, 10, 3))
        preferences.update_preference(donor, "monthly", True, pdf_attached=True)
    preferences.update_preference(initiative.owners[0], "monthly", True, pdf_attached=True)

    result = runs.run_due_reports(PERIOD, now=at(2026, 11, 1, 6))

    assert (result.built, result.failed, result.mails) == (4, 0, 4)  # 3 donors + the initiative
    reports = db.session.scalars(select(Report)).all()
    assert len(reports) == 4
    assert {r.status for r in reports} == {ReportState.BUILT}
    assert all(r.pdf.startswith(b"%PDF") and b"%%EOF" in r.pdf[-64:] for r in reports)
    by_owner = {r.owner_id: r for r in reports if r.owner_type == "user"}
    assert by_owner[donors[0].id].title == "Impactrapportage oktober 2026"
    assert by_owner[donors[1].id].title == "Impact report October 2026"
    assert len(db.session.scalars(select(MailMessage)).all()) == 4
    again = runs.run_due_reports(PERIOD, now=at(2026, 11, 1, 7))
    assert (again.built, again.skipped) == (0, 4)


def test_pdf_failure_marks_the_report_failed_and_the_run_goes_on(
    app, make_user, make_initiative, pay, monkeypatch
):
    def broken(html):
        raise RuntimeError("no fonts")

    donor, initiative = make_user(), make_initiative()
    pay(donor, initiative, 2500, at(2026, 10, 3))
    for user in (donor, initiative.owners[0]):
        preferences.update_preference(user, "monthly", True, pdf_attached=True)
    monkeypatch.setattr(pdf, "render", broken)

    result = runs.run_due_reports(PERIOD, now=at(2026, 11, 1, 6))

    assert (result.built, result.failed) == (0, 2)
    reports = db.session.scalars(select(Report)).all()
    assert {r.status for r in reports} == {ReportState.FAILED}
    assert all(r.last_error == "RuntimeError: no fonts" for r in reports)
    assert db.session.scalars(select(MailMessage)).all() == []


def test_pdf_fetches_only_inline_data():
    fetcher = pdf._url_fetcher()
    for url in ("https://fonts.example.com/font.woff2", "http://10.0.0.1/", "file:///etc/passwd"):
        with pytest.raises(ValueError, match="disallowed protocol"):
            fetcher.fetch(url)
    response = fetcher.fetch("data:text/plain,chart")
    assert response.read() == b"chart"


def test_pdf_applies_the_report_css_without_inline_style(app):
    with app.app_context():
        from marketplace.reporting import builder

        html = builder.document("T", "<h1>Title</h1>", "en", inline_css=False)
    assert "<style>" not in html
    pdf.configure("@page { size: A5 }", "https://impactbeurs.example")
    a5 = pdf.render(html)
    pdf.configure("@page { size: A4 }", "https://impactbeurs.example")
    a4 = pdf.render(html)
    assert b"/MediaBox [0 0 419" in inflated(a5)  # A5 in points (148 mm)
    assert b"/MediaBox [0 0 595" in inflated(a4)  # A4 (210 mm)


def inflated(pdf_bytes: bytes) -> bytes:
    """The PDF with its (object) streams decompressed, to look for page dictionaries."""
    parts = [pdf_bytes]
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", pdf_bytes, re.S):
        with contextlib.suppress(zlib.error):
            parts.append(zlib.decompress(match.group(1)))
    return b"".join(parts)


# Elements that render correctly without a user-agent rule (inline by default, or SVG content).
INLINE_ELEMENTS = {"span", "a", "strong", "em", "b", "i", "svg", "g", "path", "polyline", "text"}
INLINE_ELEMENTS |= {"circle", "line", "rect"}


def test_reports_use_only_elements_the_report_stylesheet_knows(
    make_user, make_initiative, pay, accepted_outcome
):
    """PDFs use reporting/report_ua.css instead of WeasyPrint's stylesheet for all of HTML; an
    element it does not style (a list, an image) would silently render as inline text."""
    donor, owner = make_user(locale="en"), make_user(locale="nl")
    initiative = make_initiative(owner=owner, name="Buurtkracht Zuid")
    pay(donor, initiative, 10000, at(2026, 9, 20))
    pay(donor, initiative, 5000, at(2026, 10, 5))
    accepted_outcome(
        initiative, owner, 6, at(2026, 7, 1).date(), at(2026, 9, 30).date(), at(2026, 10, 12)
    )
    runs.run_due_reports(PERIOD, now=at(2026, 11, 1, 6))

    documents = [r.html for r in db.session.scalars(select(Report))]
    used = {tag for html in documents for tag in re.findall(r"<([a-z][a-z0-9]*)", html)}
    stylesheet = Path(pdf.__file__).with_name("report_ua.css").read_text()
    stylesheet = re.sub(r"/\*.*?\*/", "", stylesheet, flags=re.DOTALL)
    styled = set(re.findall(r"(?<![\w.#:-])([a-z][a-z0-9]*)(?=[\s,:{])", stylesheet))
    assert len(documents) == 2 and {"h1", "h2", "h3", "table", "td"} <= used
    assert used - styled - INLINE_ELEMENTS == set()
