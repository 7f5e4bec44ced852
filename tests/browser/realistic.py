"""Realistic data for the phone-layout and accessibility tests: the demo data (every domain's
figures, the foundation's portfolio, the exchange) plus what makes pages wide in real life: an
initiative with a long Dutch name, long compound words and a long place name, big amounts, and
the impact reports of last month built as the scheduler builds them."""

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from marketplace.demo.accounts import DEMO_PASSWORD
from marketplace.demo.load import load_demo
from marketplace.demo.portfolios import ORGANISATION_NAME
from marketplace.extensions import db
from marketplace.initiatives.models import Initiative, InitiativeStatus, Theme
from marketplace.organisations.models import Organisation
from marketplace.reporting.models import OwnerType, Report
from marketplace.reporting.runs import run_due_reports
from marketplace.timeutil import utcnow
from tests.gifts import paid_gift

FOUNDATION_EMAIL = "fonds@impactbeurs.test"
PASSWORD = DEMO_PASSWORD
LONG_SLUG = "energiecooperatie-westwijk-lang"
LONG_NAME = (
    "Stichting Bewonersenergiecoöperatie Vlaardingen-Westwijk Samen Sterker "
    "Duurzaamheidsinitiatiefnemersvereniging"
)


def seed_realistic(app) -> dict:
    """Load the demo, add the long-named initiative funded by the demo foundation, build last
    month's reports; return the URLs' parts the tests need."""
    with app.app_context():
        users = load_demo().users
        org = db.session.scalar(select(Organisation).where(Organisation.name == ORGANISATION_NAME))
        initiative = Initiative(
            slug=LONG_SLUG,
            name=LONG_NAME,
            legal_name=LONG_NAME + " (Coöperatie U.A.)",
            theme=Theme.ENERGY,
            summary="Zonnepanelen op de daken van de flats, samen met alle bewoners van de wijk.",
            description="Een **lange** beschrijving met https://www.voorbeeld-van-een-heel-lang-"
            "webadres.nl/met/een/pad/dat/nergens/afbreekt/zonnepanelen-westwijk-2026.html",
            municipality="Súdwest-Fryslân",
            province="Friesland",
            postcode="8701 AA",
            latitude=Decimal("53.0300"),  # as if geocoded: the form no longer takes them
            longitude=Decimal("5.6600"),
            funding_goal_cents=3_000_000,
            website="https://www.bewonersenergiecooperatie-vlaardingen-westwijk.example.nl",
            status=InitiativeStatus.PUBLISHED,
            published_at=utcnow(),
        )
        initiative.owners.append(users["initiative owner"])
        db.session.add(initiative)
        db.session.commit()
        now = utcnow()
        for days_ago, cents in ((400, 1_250_000), (95, 2_500), (40, 987_654)):
            paid_gift(
                initiative,
                cents,
                now - timedelta(days=days_ago),
                user=users["foundation staff"],
                organisation=org,
            )
        app.config["REPORT_BUILD_WORKERS"] = 1
        run_due_reports()
        report_id = db.session.scalar(
            select(Report.id).where(
                Report.owner_type == OwnerType.ORGANISATION, Report.owner_id == org.id
            )
        )
        return {
            "organisation_id": org.id,
            "initiative_id": initiative.id,
            "slug": initiative.slug,
            "report_id": report_id,
        }
