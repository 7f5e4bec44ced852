"""Idempotent demo data: accounts, initiatives (and, from other domains, their figures)."""

from sqlalchemy import func, select

from marketplace.accounts.models import Role, User
from marketplace.accounts.services import create_user, find_user_by_email
from marketplace.demo_data import (
    DEMO_ACCOUNTS,
    DEMO_DESCRIPTION,
    DEMO_INITIATIVES,
    DEMO_PASSWORD,
)
from marketplace.extensions import db
from marketplace.initiatives.models import Initiative, InitiativeStatus, Theme
from marketplace.money import parse_cents
from marketplace.timeutil import utcnow


def database_is_empty() -> bool:
    return not db.session.scalar(select(func.count()).select_from(Initiative))


def seed_accounts() -> dict[str, User]:
    users = {}
    for email, name, role, kind in DEMO_ACCOUNTS:
        user = find_user_by_email(email) or create_user(
            email, DEMO_PASSWORD, name, Role(role), confirmed=True
        )
        users[kind] = user
    return users


def seed_initiatives(owner: User) -> list[Initiative]:
    initiatives = []
    for row in DEMO_INITIATIVES:
        initiative = db.session.scalar(select(Initiative).where(Initiative.slug == row["slug"]))
        if initiative is None:
            initiative = Initiative(
                slug=row["slug"],
                name=row["name"],
                legal_name=f"Stichting {row['name']}",
                theme=Theme(row["theme"]),
                summary=row["summary"],
                description=DEMO_DESCRIPTION.format(summary=row["summary"]),
                municipality=row["municipality"],
                province=row["province"],
                postcode=row["postcode"],
                latitude=row["latitude"],
                longitude=row["longitude"],
                funding_goal_cents=parse_cents(row["goal"]),
                website=f"https://{row['slug']}.example.nl",
                anbi=True,
                rsin=demo_rsin(len(initiatives)),
                status=InitiativeStatus.PUBLISHED,
                published_at=utcnow(),
            )
            initiative.owners.append(owner)
            db.session.add(initiative)
        initiatives.append(initiative)
    db.session.commit()
    return initiatives


def demo_rsin(index: int) -> str:
    """A distinct 9-digit demo RSIN per initiative."""
    return f"8{index:08d}"


def load_demo() -> dict:
    """Create (or complete) the demo data; running it twice changes nothing the second time."""
    users = seed_accounts()
    initiatives = seed_initiatives(users["initiative owner"])
    from marketplace.donations.demo import seed_demo_gifts

    seed_demo_gifts(users, initiatives)
    from marketplace.impact.demo import seed_impact

    seed_impact(users, initiatives)  # before portfolios and exchange: they read social value
    from marketplace.portfolios.demo import seed_demo_portfolio

    seed_demo_portfolio(users, initiatives)
    from marketplace.exchange import quotes
    from marketplace.figures import refresh

    refresh.refresh_all()  # last: figures, quotes and indices from everything seeded above
    quotes.refresh_all()
    return {"users": users, "initiatives": initiatives}
