"""The Key Investment Information Sheet (ECSPR art. 23, Annex I): its content frozen per version,
and rendered as HTML and PDF in Dutch or English.

The content is plain values (cents, strings, ISO dates) taken from the offer and its initiative
when the offer is submitted; labels and explanations are translated when the sheet is shown, so
one frozen version reads the same in both languages. Parts follow Annex I: A the project owner
and the project, B the main features of the offer, C risks, D the instrument's terms,
F investors' rights, H costs and complaints, and the right of reflection.
"""

from datetime import date

from flask import render_template
from flask_babel import force_locale

from marketplace.investments.models import Offer, OfferKind
from marketplace.investments.schedules import annuity_payment_cents, repayment_schedule
from marketplace.timeutil import to_amsterdam

EXAMPLE_CENTS = 100_000  # the schedule example is for € 1.000
REFLECTION_DAYS = 4


def example_schedule(content: dict, principal_cents: int = EXAMPLE_CENTS) -> dict | None:
    """The first instalment and the totals of a loan or bond of `principal_cents` on these terms."""
    if content["kind"] == OfferKind.MEMBER_SHARE.value or not content.get("term_months"):
        return None
    schedule = repayment_schedule(
        principal_cents,
        content["interest_rate"],
        repayment=content["repayment"],
        frequency=content["frequency"],
        term_months=content["term_months"],
        start_date=date.fromisoformat(content["closes_on"]),
    )
    first = schedule.instalments[0]
    example = {
        "principal_cents": principal_cents,
        "instalments": len(schedule.instalments),
        "first_total_cents": first.total_cents,
        "first_due": first.due_date.isoformat(),
        "total_interest_cents": schedule.total_interest_cents,
        "total_cents": schedule.total_cents,
    }
    if content["repayment"] == "annuity":
        example["annuity_cents"] = annuity_payment_cents(
            principal_cents,
            content["interest_rate"],
            frequency=content["frequency"],
            term_months=content["term_months"],
        )
    return example


def sheet_content(offer: Offer) -> dict:
    """The sheet's content as it is now: what a new version freezes."""
    initiative = offer.initiative
    content = {
        "offer_id": offer.id,
        "initiative": {
            "name": initiative.name,
            "legal_name": initiative.legal_name or initiative.name,
            "municipality": initiative.municipality,
            "summary": initiative.summary,
            "website": initiative.website,
            "anbi": initiative.anbi,
        },
        "kind": offer.kind.value,
        "title": offer.title,
        "currency": offer.currency,
        "target_cents": offer.target_cents,
        "minimum_cents": offer.minimum_cents,
        "maximum_cents": offer.maximum_cents,
        "unit_price_cents": offer.unit_price_cents,
        "interest_rate": str(offer.interest_rate),
        "term_months": offer.term_months,
        "repayment": offer.repayment.value if offer.repayment else None,
        "frequency": offer.frequency.value if offer.frequency else None,
        "opens_at": offer.opens_at.isoformat(),
        "closes_at": offer.closes_at.isoformat(),
        "closes_on": to_amsterdam(offer.closes_at).date().isoformat(),
        "all_or_nothing": offer.all_or_nothing,
        "use_of_proceeds": offer.use_of_proceeds,
        "risks": offer.risks,
        "reflection_days": REFLECTION_DAYS,
    }
    content["example"] = example_schedule(content)
    return content


def render_sheet_html(sheet, locale: str, *, standalone: bool = True) -> str:
    """The sheet in `locale` ("nl" or "en"): a whole document, or the part for the offer page."""
    with force_locale(locale):
        return render_template(
            "investments/sheet_document.html" if standalone else "investments/_sheet.html",
            sheet=sheet,
            content=sheet.content,
            locale=locale,
        )


def render_sheet_pdf(sheet, locale: str) -> bytes:
    """The sheet as a PDF (WeasyPrint), in `locale`."""
    from weasyprint import HTML

    return HTML(string=render_sheet_html(sheet, locale)).write_pdf()
