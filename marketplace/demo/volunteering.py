"""Demo tasks: a few initiatives ask for help; the demo donor signed up for some, and the hours
of last month's task were confirmed (so they show as time given and as an input)."""

from datetime import datetime, time, timedelta

from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.initiatives.models import Initiative
from marketplace.timeutil import AMSTERDAM, to_amsterdam
from marketplace.volunteering import hours, signups, tasks
from marketplace.volunteering.models import Task

# (initiative slug, title, description, days from now (None: flexible), minutes, places,
#  the donor signs up, hours confirmed)
DEMO_TASKS = [
    ("buurtzorgcooperatie-oosterpark", "Boodschappen rondbrengen",
     "Breng op zaterdagochtend de boodschappen naar **vier buren** die slecht ter been zijn.",
     -20, 180, 3, True, "2.5"),
    ("buurtzorgcooperatie-oosterpark", "Koffie-ochtend in het buurthuis",
     "Zet koffie, maak een praatje en ruim na afloop samen op.", 6, 120, 4, True, None),
    ("samen-eten-tilburg-noord", "Koken voor de buurtmaaltijd",
     "Help mee in de keuken: groente snijden, soep koken, tafels dekken.", 9, 240, 5, False, None),
    ("taalhuis-utrecht-overvecht", "Taalmaatje voor een uur",
     "Oefen Nederlands met een nieuwkomer, wanneer het jullie allebei uitkomt.", None, 60, 10,
     True, None),
    ("mantelzorgcafe-zwolle", "Tafels klaarzetten voor het mantelzorgcafé",
     "Zet de zaal klaar en help bij de ontvangst.", 13, 90, 2, False, None),
]  # fmt: skip


def _start(days: int | None, now: datetime) -> datetime | None:
    if days is None:
        return None
    day = to_amsterdam(now).date() + timedelta(days=days)
    return datetime.combine(day, time(10), tzinfo=AMSTERDAM)


def seed_volunteering(users: dict[str, User], now: datetime) -> int:
    """Post the demo tasks (once), sign the donor up and confirm last month's hours."""
    owner, donor = users["initiative owner"], users["donor"]
    made = 0
    for slug, title, text, days, minutes, places, joins, confirmed in DEMO_TASKS:
        initiative = db.session.scalar(select(Initiative).where(Initiative.slug == slug))
        if initiative is None:
            continue
        task = db.session.scalar(
            select(Task).where(Task.initiative_id == initiative.id, Task.title == title)
        )
        if task is None:
            task = tasks.create_task(
                owner,
                {
                    "initiative_id": initiative.id, "title": title, "description": text,
                    "postcode": initiative.postcode, "starts_at": _start(days, now),
                    "duration_minutes": minutes, "capacity": places,
                },
            )  # fmt: skip
            made += 1
        if joins:
            signup, _new = signups.sign_up(task.id, donor)
            if confirmed and signup.confirmed_minutes is None:
                hours.confirm_hours(signup.id, owner, confirmed)
    return made
