"""The impact report (mail and PDF) of an investor includes the investments: kind, invested,
outstanding, interest received and XIRR beside the attributed social value."""

from datetime import UTC, date, datetime

from sqlalchemy import select

from marketplace.extensions import db
from marketplace.investments import repayments
from marketplace.mail.models import MailMessage
from marketplace.reporting import runs
from marketplace.reporting.models import Report
from tests.investments.conftest import close_now, pass_checks, start_on, subscribe_paid


def test_an_investors_report_shows_the_financial_return(
    client, login, owner, make_user, make_offer
):
    lender = pass_checks(make_user(name="Rianne Rapport"))
    offer = make_offer(target="1200.00", maximum="1200.00", term_months=12)
    subscribe_paid(offer, lender, "1200.00")
    close_now(offer)
    offer = start_on(offer, date(2021, 7, 1))
    repayments.record_repayment(owner, offer.id, "102.73", date(2021, 8, 1))

    result = runs.run_due_reports("2021-08", now=datetime(2021, 9, 1, 6, tzinfo=UTC))

    assert result.failed == 0
    report = db.session.scalar(
        select(Report).where(Report.owner_type == "user", Report.owner_id == lender.id)
    )
    assert report is not None
    assert "Je investeringen: het financiële rendement" in report.html
    assert "Sociale lening" in report.html
    assert "1.200,00" in report.html  # invested
    assert "5,00" in report.html  # interest received: € 5,00
    mail = db.session.scalar(select(MailMessage).where(MailMessage.report_id == report.id))
    assert "Je investeringen" in mail.html
    login(lender)
    pdf = client.get(f"/impact-reports/{report.id}/pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
