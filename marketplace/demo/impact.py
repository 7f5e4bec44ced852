"""Demo impact: the catalog (as `metrics import` loads it), then per initiative what its owner
declares (outcome metrics, inputs) and reports each quarter, and what the verifier decides.

Most initiatives report (not every fifth); one report awaits review and one is rejected with a
reason, so the verifier's queue and the owner's "fix and resubmit" both have something to show.
Idempotent: an initiative that already declared outcomes or has reports is left as it is.
"""

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.impact import catalog, declarations, reports, review
from marketplace.impact.models import InitiativeInput, InitiativeOutcome, OutcomeReport
from marketplace.impact.parsing import amsterdam_today
from marketplace.initiatives.models import Initiative
from marketplace.money import format_cents

# Per theme: (metric, quantity per quarter, justification).
PLAN = {
    "care": [
        ("gp_visit_avoided", "120", "Eigen registratie: bezoekers die anders de huisarts belden."),
        ("informal_care_hour", "300", "Uren ontlasting van mantelzorgers, uit het rooster."),
        ("loneliness_reduced", "5", "Eenzaamheidsschaal De Jong Gierveld, voor- en nameting."),
    ],
    "energy": [
        ("renewable_kwh_co2", "150000", "Meterstanden van de omvormers."),
        ("energy_bill_eur_saved", "6000", "Besparing volgens de energiecoach-rapporten."),
    ],
    "education": [
        ("homework_support_hour", "400", "Presentielijsten van de huiswerkklas."),
        ("special_education_avoided_year", "1", "Verwijzingen voorkomen volgens de IB'er."),
    ],
    "housing_work": [
        ("debt_household_resolved", "2", "Dossiers afgesloten met schuldenrust."),
        ("work_from_assistance", "1", "Uitstroom bevestigd door de gemeente."),
        ("eviction_prevented", "1", "Betalingsregelingen met de corporatie."),
    ],
    "sport": [
        ("sport_volunteer_hour", "150", "Uren van vrijwillige trainers."),
        ("sport_active_senior_lifetime", "1", "Deelnemers na 12 maanden nog actief."),
        ("physio_session_avoided", "20", "Zelfrapportage deelnemers, steekproef."),
    ],
    "community": [
        ("volunteer_hour", "250", "Uren van vrijwilligers uit het rooster."),
        ("food_waste_avoided_kg", "1500", "Gewogen overschotten van supermarkten."),
        ("repaired_item_co2", "200", "Reparatiekaarten van het Repair Café."),
    ],
}  # fmt: skip
REJECTION = (
    "De aantallen voor de laatste maand ontbreken in het bewijs; voeg de presentielijst toe."
)
AWAITS_REVIEW, REJECTED = 1, 2  # the initiatives (by index) whose latest report is not accepted


def last_complete_quarter_start(today: date) -> date:
    month = ((today.month - 1) // 3) * 3 + 1  # first month of the current quarter
    index = today.year * 12 + month - 1 - 3
    return date(index // 12, index % 12 + 1, 1)


def quarter_starts(last: date, count: int) -> list[date]:
    """The first days of `count` quarters, oldest first, the last one starting on `last`."""
    starts = []
    index = last.year * 12 + last.month - 1
    for step in range(count - 1, -1, -1):
        value = index - 3 * step
        starts.append(date(value // 12, value % 12 + 1, 1))
    return starts


def reports_anything(initiative: Initiative) -> bool:
    return bool(
        db.session.scalar(
            select(OutcomeReport.id).where(OutcomeReport.initiative_id == initiative.id).limit(1)
        )
        or db.session.scalar(
            select(InitiativeOutcome.id)
            .where(InitiativeOutcome.initiative_id == initiative.id)
            .limit(1)
        )
    )


def declare(initiative: Initiative, owner: User, since: date) -> None:
    """The owner's outcome metrics (with why), a subsidy and valued volunteer time as inputs."""
    for code, _quantity, why in PLAN[initiative.theme.value]:
        declarations.declare_outcome(initiative, owner, {"metric": code, "justification": why})
    if db.session.scalar(
        select(InitiativeInput.id).where(InitiativeInput.initiative_id == initiative.id).limit(1)
    ):
        return
    subsidy = {
        "source": f"Gemeente {initiative.municipality}, subsidie",
        "amount": format_cents(initiative.funding_goal_cents * 2 // 5),
        "received_on": since.isoformat(),
        "kind": "money",
    }
    volunteers = {
        "source": "Vrijwilligersuren (gewaardeerd tegen € 18,80/uur)",
        "amount": "1880.00",
        "received_on": since.isoformat(),
        "kind": "in_kind",
        "note": "100 uur bestuur en coördinatie",
    }
    declarations.add_input(initiative, owner, subsidy)
    declarations.add_input(initiative, owner, volunteers)


def report_quarter(initiative: Initiative, owner: User, start: date, number: int) -> OutcomeReport:
    """The owner's submitted report for the quarter from `start`; numbers grow 10% a quarter."""
    growth = Decimal(10 + number) / 10
    values = [
        {"metric": code, "quantity": str((Decimal(quantity) * growth).quantize(Decimal(1)))}
        for code, quantity, _why in PLAN[initiative.theme.value]
    ]
    end = reports.period_end_for(reports.ReportPeriod.QUARTER, start)
    quarter = (start.month - 1) // 3 + 1
    data = {
        "period_start": start.isoformat(),
        "period_end": end.isoformat(),
        "values": values,
        "evidence_url": f"{initiative.website}/verslag-{start:%Y}-q{quarter}.pdf",
        "note": "Kwartaalverslag met presentielijsten.",
        "submit": True,
    }
    return reports.create_outcome_report(initiative, owner, data)


def seed_initiative_impact(
    index: int, initiative: Initiative, owner: User, verifier: User, last: date
) -> int:
    """Declarations, 2–6 quarterly reports up to the quarter from `last`, and their reviews."""
    quarters = quarter_starts(last, 2 + index % 5)
    declare(initiative, owner, quarters[0])
    for number, start in enumerate(quarters):
        report = report_quarter(initiative, owner, start, number)
        latest = number == len(quarters) - 1
        if latest and index == AWAITS_REVIEW:
            continue
        if latest and index == REJECTED:
            review.review_outcome_report(report.id, verifier, "rejected", REJECTION)
            continue
        level = 2 + (index + number) % 3
        review.review_outcome_report(report.id, verifier, "accepted", "", level)
    return len(quarters)


def seed_impact(
    users: dict[str, User], initiatives: list[Initiative], today: date | None = None
) -> int:
    """The catalog, then declarations, reports and reviews; returns how many reports were made."""
    catalog.import_catalog()
    owner, verifier = users["initiative owner"], users["verifier"]
    last = last_complete_quarter_start(today or amsterdam_today())
    made = 0
    for index, initiative in enumerate(initiatives):
        if index % 5 == 4 or not initiative.is_owned_by(owner) or reports_anything(initiative):
            continue
        made += seed_initiative_impact(index, initiative, owner, verifier, last)
    return made
