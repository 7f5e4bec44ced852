"""The demo has tasks, sign-ups and confirmed hours (made through the services)."""

from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.figures.models import FunderSeries, InitiativeMonth
from marketplace.volunteering.models import Signup, Task
from tests.demo.conftest import demo  # noqa: F401  (the module-scoped demo fixture)


def test_demo_has_tasks_and_confirmed_hours(demo):  # noqa: F811
    assert db.session.scalar(select(func.count()).select_from(Task)) >= 5
    assert db.session.scalar(
        select(func.count()).select_from(Signup).where(Signup.confirmed_minutes == 150)
    )
    assert db.session.scalar(select(func.sum(InitiativeMonth.volunteer_cents))) == 4700
    assert db.session.scalar(
        select(func.count()).select_from(FunderSeries).where(FunderSeries.kind == "time")
    )
