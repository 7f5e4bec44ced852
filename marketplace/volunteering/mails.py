"""Mail to volunteers, through the outbox: a place freed up for you, a reminder the day before."""

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from marketplace.accounts.models import User
from marketplace.mail import Mail, queue_mail
from marketplace.timeutil import to_amsterdam
from marketplace.volunteering.models import Task


def task_url(task: Task) -> str:
    return f"{current_app.config['PUBLIC_BASE_URL'].rstrip('/')}/tasks/{task.id}"


def _when(task: Task) -> str:
    if task.starts_at is None:
        return _("flexible, in agreement with the initiative")
    return to_amsterdam(task.starts_at).strftime("%d-%m-%Y %H:%M")


def _body(user: User, task: Task, opening: str) -> str:
    return "\n\n".join(
        [
            _("Hello %(name)s,", name=user.name),
            opening,
            _("When: %(when)s", when=_when(task)),
            _("Where: %(place)s", place=task.place_name or task.postcode),
            task_url(task),
        ]
    )


def queue_moved_up(user: User, task: Task, signup_id: int):
    """Someone cancelled: the first on the waiting list now has a place (mailed once)."""
    with force_locale(user.locale or "nl"):
        mail = Mail(
            to=user.email,
            subject=_("You have a place: %(title)s", title=task.title),
            text=_body(user, task, _("A place became free: you are now signed up for this task.")),
        )
    return queue_mail(mail, key=f"signup-moved-up:{signup_id}")


def queue_reminder(user: User, task: Task, signup_id: int):
    """The day before the task (once per sign-up: the outbox key decides)."""
    with force_locale(user.locale or "nl"):
        mail = Mail(
            to=user.email,
            subject=_("Tomorrow: %(title)s", title=task.title),
            text=_body(user, task, _("A reminder: tomorrow you help with this task.")),
        )
    return queue_mail(mail, key=f"signup-reminder:{signup_id}")
