"""Confirming the hours volunteers gave, and reading them back (inputs, profiles, reviews)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from sqlalchemy import func, select

from marketplace import signals
from marketplace.accounts.models import User
from marketplace.errors import InvalidInput, NotFound
from marketplace.extensions import db
from marketplace.initiatives.models import Initiative
from marketplace.timeutil import as_utc, utcnow
from marketplace.volunteering.models import Signup, SignupStatus, Task

MINUTES = Decimal(60)


def parse_hours(value) -> Decimal:
    """ "2.5", "2,5" or 2.5 → Decimal hours; 422 for anything else."""
    if isinstance(value, bool) or value is None:
        raise InvalidInput(_("Please correct the marked fields."), {"hours": [_("Required.")]})
    text = str(value).strip().replace(",", ".")
    try:
        hours = Decimal(text)
    except InvalidOperation:
        hours = None
    if hours is None or not hours.is_finite():
        raise InvalidInput(
            _("Please correct the marked fields."), {"hours": [_("Not a valid number.")]}
        )
    return hours


def signup_for_owner(signup_id: int, user: User) -> Signup:
    """A sign-up of a task of an initiative the user owns; NotFound for anyone else."""
    signup = db.session.get(Signup, signup_id)
    if signup is None or not signup.task.initiative.is_owned_by(user):
        raise NotFound(_("Sign-up not found."))
    return signup


def confirm_hours(signup_id: int, user: User, value) -> Signup:
    """The owner confirms how many hours a volunteer gave (0 up to the task's length)."""
    signup = signup_for_owner(signup_id, user)
    hours = parse_hours(value)
    task = signup.task
    if hours < 0 or hours > task.max_hours:
        raise InvalidInput(
            _("Please correct the marked fields."),
            {"hours": [_("Between 0 and %(max)s hours.", max=f"{task.max_hours:.2f}")]},
        )
    if signup.status != SignupStatus.SIGNED_UP:
        raise InvalidInput(
            _("Only people with a place can have hours confirmed."),
            {"signup": [_("Not signed up.")]},
        )
    signup.confirmed_minutes = int((hours * MINUTES).to_integral_value())
    signup.confirmed_at = utcnow()
    signup.confirmed_by_id = user.id
    db.session.commit()
    signals.notify(
        signals.volunteer_hours_confirmed,
        signup_id=signup.id,
        task_id=task.id,
        initiative_id=task.initiative_id,
        user_id=signup.user_id,
        minutes=signup.confirmed_minutes,
    )
    return signup


def volunteered_at(user_id: int, subject_type: str, subject_id: int) -> bool:
    """A participation check for reviews: confirmed hours for the initiative reviewed."""
    return subject_type == "initiative" and volunteered_for(user_id, subject_id)


def volunteered_for(user_id: int, initiative_id: int) -> bool:
    """Whether the person has confirmed hours (more than none) at the initiative."""
    return bool(
        db.session.scalar(
            select(Signup.id)
            .join(Task, Task.id == Signup.task_id)
            .where(
                Signup.user_id == user_id,
                Task.initiative_id == initiative_id,
                Signup.confirmed_minutes > 0,
            )
            .limit(1)
        )
    )


@dataclass(frozen=True)
class HoursAt:
    initiative_id: int
    initiative_name: str
    initiative_slug: str
    minutes: int

    @property
    def hours(self) -> Decimal:
        return (Decimal(self.minutes) / MINUTES).quantize(Decimal("0.01"))


def hours_by_initiative(user_id: int) -> list[HoursAt]:
    """A person's confirmed hours per initiative, most first."""
    rows = db.session.execute(
        select(Initiative.id, Initiative.name, Initiative.slug, func.sum(Signup.confirmed_minutes))
        .join(Task, Task.id == Signup.task_id)
        .join(Initiative, Initiative.id == Task.initiative_id)
        .where(Signup.user_id == user_id, Signup.confirmed_minutes > 0)
        .group_by(Initiative.id, Initiative.name, Initiative.slug)
    )
    found = [HoursAt(i, name, slug, int(minutes)) for i, name, slug, minutes in rows]
    return sorted(found, key=lambda h: (-h.minutes, h.initiative_name))


def confirmed_time(
    initiative_ids: Iterable[int],
) -> Iterable[tuple[int, int | None, datetime, int]]:
    """(initiative, person or None, when, minutes) of every confirmed sign-up of these
    initiatives: `when` is the task's start, or the confirmation for a flexible task."""
    ids = list(initiative_ids)
    if not ids:
        return
    rows = db.session.execute(
        select(
            Task.initiative_id,
            Signup.user_id,
            func.coalesce(Task.starts_at, Signup.confirmed_at),
            Signup.confirmed_minutes,
        )
        .join(Task, Task.id == Signup.task_id)
        .where(Task.initiative_id.in_(ids), Signup.confirmed_minutes > 0)
        .order_by(Signup.id)
    )
    for initiative_id, user_id, moment, minutes in rows:
        yield initiative_id, user_id, as_utc(moment), int(minutes)


def initiatives_with_time() -> list[int]:
    return list(
        db.session.scalars(
            select(Task.initiative_id)
            .join(Signup, Signup.task_id == Task.id)
            .where(Signup.confirmed_minutes > 0)
            .distinct()
        )
    )
