"""Demo impact data: the catalog, declared outcomes and inputs, and quarters of verified reports.

Idempotent: an initiative that already has outcomes, inputs or reports is left as it is.
"""

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from marketplace.extensions import db
from marketplace.impact import catalog, declarations, reports, review
from marketplace.impact.models import InitiativeInput, InitiativeOutcome, OutcomeReport
from marketplace.impact.parsing import amsterdam_today
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
        (
            "special_education_avoided_year",
            "1",
            "Verwijzingen voorkomen volgens de intern begeleider.",
        ),
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
}
REJECTION = (
    "De aantallen voor de laatste maand ontbreken in het bewijs; voeg de presentielijst toe."
)


def last_complete_quarter_start(today: date) -> date:
    month = ((today.month - 1) // 3) * 3 + 1  # first month of the current quarter
    index = today.year * 12 + month - 1 - 3
    return date(index // 12, index % 12 + 1, 1)


def quarter_starts(last: date, count: int) -> list[date]:
    starts = []
    index = last.year * 12 + last.month - 1
    for step in range(count - 1, -1, -1):
        value = index - 3 * step
        starts.append(date(value // 12, value % 12 + 1, 1))
    return starts


def seed_impact(users: dict, initiatives: list, today: date | None = None) -> None:
    """Catalog plus outcomes, inputs and reports for most demo initiatives (not every 5th)."""
    catalog.import_catalog(valid_from=date(2020, 1, 1))
    owner = users["initiative owner"]
    verifier = users["verifier"]
    today = today or amsterdam_today()
    last = last_complete_quarter_start(today)
    for index, initiative in enumerate(initiatives):
        if index % 5 == 4 or owner not in initiative.owners:
            continue
        has_any = db.session.scalar(
            select(OutcomeReport.id).where(OutcomeReport.initiative_id == initiative.id)
        ) or db.session.scalar(
            select(InitiativeOutcome.id).where(InitiativeOutcome.initiative_id == initiative.id)
        )
        if has_any:
            continue
        plan = PLAN[initiative.theme.value]
        for code, _quantity, why in plan:
            declarations.declare_outcome(initiative, owner, {"metric": code, "justification": why})
        quarters = quarter_starts(last, 2 + index % 5)
        if not db.session.scalar(
            select(InitiativeInput.id).where(InitiativeInput.initiative_id == initiative.id)
        ):
            declarations.add_input(
                initiative,
                owner,
                {
                    "source": f"Gemeente {initiative.municipality}, subsidie",
                    "amount": format_cents(initiative.funding_goal_cents * 2 // 5),
                    "received_on": quarters[0].isoformat(),
                    "kind": "money",
                },
            )
            declarations.add_input(
                initiative,
                owner,
                {
                    "source": "Vrijwilligersuren (gewaardeerd tegen € 18,80/uur)",
                    "amount": "1880.00",
                    "received_on": quarters[0].isoformat(),
                    "kind": "in_kind",
                    "note": "100 uur bestuur en coördinatie",
                },
            )
        for number, start in enumerate(quarters):
            growth = Decimal(10 + number) / 10
            values = [
                {"metric": code, "quantity": str((Decimal(q) * growth).quantize(Decimal(1)))}
                for code, q, _why in plan
            ]
            end = reports.period_end_for(reports.ReportPeriod.QUARTER, start)
            report = reports.create_outcome_report(
                initiative,
                owner,
                {
                    "period_start": start.isoformat(),
                    "period_end": end.isoformat(),
                    "values": values,
                    "evidence_url": f"{initiative.website or 'https://example.nl'}/verslag-{start:%Y-q}"
                    f"{(start.month - 1) // 3 + 1}.pdf",
                    "note": "Kwartaalverslag met presentielijsten.",
                    "submit": True,
                },
            )
            latest = number == len(quarters) - 1
            if latest and index == 1:
                continue  # one report awaits review
            if latest and index == 2:
                review.review_outcome_report(report.id, verifier, "rejected", REJECTION, None)
                continue
            review.review_outcome_report(
                report.id, verifier, "accepted", "", 2 + (index + number) % 3
            )
