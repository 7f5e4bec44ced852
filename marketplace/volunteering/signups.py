"""Signing up for a task and cancelling: never more places than the task's capacity.

Every change of who has a place happens under the task's row lock (`with_for_update`), so twenty
people asking for the last place at once get one place and nineteen places on the waiting list.
A cancelled place goes to the first on the waiting list, who is mailed.
"""

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from marketplace.accounts.models import User
from marketplace.errors import InvalidInput, NotFound
from marketplace.extensions import db
from marketplace.mail.outbox import deliver_after_response
from marketplace.timeutil import as_utc, utcnow
from marketplace.volunteering.mails import queue_moved_up
from marketplace.volunteering.models import Signup, SignupStatus, Task
from marketplace.volunteering.tasks import get_task


def _locked_task(task_id: int) -> Task:
    task = db.session.scalar(
        select(Task)
        .where(Task.id == task_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if task is None:
        raise NotFound(_("Task not found."))
    return task


def _taken(task_id: int) -> int:
    return db.session.scalar(
        select(func.count()).where(
            Signup.task_id == task_id, Signup.status == SignupStatus.SIGNED_UP
        )
    )


def _own_signup(task_id: int, user_id: int) -> Signup | None:
    return db.session.scalar(
        select(Signup).where(Signup.task_id == task_id, Signup.user_id == user_id)
    )


def sign_up(task_id: int, user: User) -> tuple[Signup, bool]:
    """A place, or a place on the waiting list when the task is full. A second sign-up answers
    the existing one (False: nothing new); a cancelled one is taken up again."""
    get_task(task_id, user)  # 404 for a task the user may not see
    task = _locked_task(task_id)
    signup = _own_signup(task.id, user.id)
    if signup is not None and signup.status != SignupStatus.CANCELLED:
        db.session.commit()
        return signup, False
    full = _taken(task.id) >= task.capacity
    status = SignupStatus.WAITLISTED if full else SignupStatus.SIGNED_UP
    now = utcnow()
    if signup is None:
        signup = Signup(task_id=task.id, user_id=user.id, status=status, queued_at=now)
        db.session.add(signup)
    else:
        signup.status, signup.queued_at, signup.cancelled_at = status, now, None
    db.session.commit()
    return signup, True


def get_own_signup(signup_id: int, user: User) -> Signup:
    signup = db.session.get(Signup, signup_id)
    if signup is None or signup.user_id != user.id:
        raise NotFound(_("Sign-up not found."))
    return signup


def _move_up(task: Task) -> Signup | None:
    """The first on the waiting list takes a free place (under the task's lock)."""
    if _taken(task.id) >= task.capacity:
        return None
    first = db.session.scalar(
        select(Signup)
        .where(Signup.task_id == task.id, Signup.status == SignupStatus.WAITLISTED)
        .order_by(Signup.queued_at, Signup.id)
        .limit(1)
    )
    if first is not None:
        first.status = SignupStatus.SIGNED_UP
    return first


def cancel_signup(signup_id: int, user: User, now=None) -> Signup:
    """Cancel one's own sign-up up to the task's deadline; the waiting list moves up."""
    signup = get_own_signup(signup_id, user)
    task = _locked_task(signup.task_id)
    db.session.refresh(signup)
    if signup.status == SignupStatus.CANCELLED:
        db.session.commit()
        return signup
    deadline = task.cancel_deadline
    if signup.confirmed_minutes is not None or (
        signup.status == SignupStatus.SIGNED_UP
        and deadline is not None
        and as_utc(now or utcnow()) > deadline
    ):
        db.session.rollback()
        raise InvalidInput(
            _("The deadline for cancelling has passed: please contact the initiative."),
            {"signup": [_("Too late to cancel.")]},
        )
    signup.status, signup.cancelled_at = SignupStatus.CANCELLED, utcnow()
    db.session.flush()
    moved = _move_up(task)
    message = None
    if moved is not None and moved.user is not None:
        message = queue_moved_up(moved.user, task, moved.id)
    db.session.commit()
    if message is not None:
        deliver_after_response(message.id)
    return signup


def signups_of_user(user: User) -> list[Signup]:
    """A person's sign-ups (not the cancelled ones), the soonest task first."""
    return list(
        db.session.scalars(
            select(Signup)
            .join(Task, Task.id == Signup.task_id)
            .where(Signup.user_id == user.id, Signup.status != SignupStatus.CANCELLED)
            .order_by(Task.starts_at, Signup.id)
        )
    )


def signups_of_tasks(task_ids: list[int]) -> dict[int, list[Signup]]:
    """The sign-ups (not cancelled) of each task, with their people: one query for all."""
    found: dict[int, list[Signup]] = {task_id: [] for task_id in task_ids}
    for signup in db.session.scalars(
        select(Signup)
        .options(selectinload(Signup.user))
        .where(Signup.task_id.in_(task_ids), Signup.status != SignupStatus.CANCELLED)
        .order_by(Signup.task_id, Signup.status, Signup.queued_at, Signup.id)
    ):
        found[signup.task_id].append(signup)
    return found
