"""A person's sign-ups and hours in their data export; erasure removes the sign-ups without
confirmed hours and anonymises the others (the hours stay: they are the initiative's input)."""

from sqlalchemy import delete, select, update

from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.privacy.registry import DataDomain, Erasure, Rows, when
from marketplace.volunteering.models import Signup, Task


def export_signups(user: User) -> dict[str, Rows]:
    rows = db.session.scalars(select(Signup).where(Signup.user_id == user.id).order_by(Signup.id))
    return {
        "task_signups": [
            {
                "task": s.task.title,
                "initiative": s.task.initiative.name,
                "starts_at": when(s.task.starts_at),
                "status": s.status.value,
                "signed_up_at": when(s.created_at),
                "cancelled_at": when(s.cancelled_at),
                "confirmed_hours": None if s.confirmed_hours is None else str(s.confirmed_hours),
            }
            for s in rows
        ]
    }


def erase_signups(erasure: Erasure) -> None:
    db.session.execute(
        delete(Signup).where(Signup.user_id == erasure.user_id, Signup.confirmed_minutes.is_(None))
    )
    db.session.execute(update(Signup).where(Signup.user_id == erasure.user_id).values(user_id=None))
    db.session.execute(
        update(Signup).where(Signup.confirmed_by_id == erasure.user_id).values(confirmed_by_id=None)
    )
    db.session.execute(
        update(Task).where(Task.created_by_id == erasure.user_id).values(created_by_id=None)
    )


DATA = DataDomain(name="volunteering", export=export_signups, erase=erase_signups)
