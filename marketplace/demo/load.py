"""Loading the demo: every record made through the services a person's action goes through, in
the order people would act, then the figures and the exchange rebuilt and the reports built."""

from dataclasses import dataclass, field

from sqlalchemy import func, select

from marketplace.accounts.models import User
from marketplace.demo.accounts import seed_accounts
from marketplace.demo.community import seed_community
from marketplace.demo.events import seed_events
from marketplace.demo.gifts import seed_gifts
from marketplace.demo.impact import seed_impact
from marketplace.demo.initiatives import seed_initiatives
from marketplace.demo.payments import require_simulator, simulated_payments
from marketplace.demo.portfolios import seed_foundation
from marketplace.demo.reports import seed_reports
from marketplace.demo.volunteering import seed_volunteering
from marketplace.exchange import quotes
from marketplace.extensions import db
from marketplace.figures import refresh
from marketplace.initiatives.models import Initiative
from marketplace.timeutil import utcnow


@dataclass
class DemoResult:
    users: dict[str, User] = field(default_factory=dict)
    initiatives: list[Initiative] = field(default_factory=list)
    gifts: int = 0  # one-off gifts made by this load (a second load makes none)
    outcome_reports: int = 0
    impact_reports: int = 0
    tasks: int = 0


def database_is_empty() -> bool:
    """No initiative yet: a fresh install, where `demo --if-empty` loads the demo."""
    return not db.session.scalar(select(func.count()).select_from(Initiative))


def load_demo() -> DemoResult:
    """Create (or complete) the demo data; running it twice changes nothing the second time."""
    require_simulator()  # before anything is made
    now = utcnow()
    result = DemoResult()
    result.users = users = seed_accounts()
    result.initiatives = initiatives = seed_initiatives(users["initiative owner"])
    with simulated_payments():
        result.gifts = seed_gifts(users, initiatives, now)
        result.gifts += seed_foundation(users, initiatives, now)
    result.outcome_reports = seed_impact(users, initiatives)
    result.tasks = seed_volunteering(users, now)
    seed_events(users, initiatives, now)
    seed_community(users, initiatives)
    # Everything above went through the named signals; a full rebuild also fills the exchange
    # (quotes and indices are otherwise rebuilt by the `exchange-stale` job a minute later).
    refresh.refresh_all()
    quotes.refresh_all()
    result.impact_reports = seed_reports()
    return result
