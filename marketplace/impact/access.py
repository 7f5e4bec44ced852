"""Who may do what with an initiative's impact data and its outcome reports."""

from contextlib import contextmanager

from flask_babel import gettext as _

from marketplace.errors import NotAllowed, NotFound
from marketplace.extensions import db
from marketplace.impact.models import OutcomeReport
from marketplace.initiatives.models import Initiative


@contextmanager
def rollback_on_error():
    """Nothing half-done stays in the session when a service refuses (or fails) midway."""
    try:
        yield
    except Exception:
        db.session.rollback()
        raise


def require_owner(initiative: Initiative, user) -> None:
    """Only the initiative's owners report for it (admins are not owners)."""
    if not initiative.is_owned_by(user):
        if initiative.is_visible_to(user):
            raise NotAllowed(_("Only the owners of this initiative may report its outcomes."))
        raise NotFound(_("Initiative not found."))


def require_editor(initiative: Initiative, user) -> None:
    """Owners and admins manage the declared outcomes and inputs."""
    if not initiative.can_edit(user):
        if initiative.is_visible_to(user):
            raise NotAllowed(_("Only the owners of this initiative may change it."))
        raise NotFound(_("Initiative not found."))


def can_see_report(report: OutcomeReport, user) -> bool:
    if not (user and user.is_authenticated):
        return False
    return user.is_verifier or report.initiative.is_owned_by(user)


def can_review(report: OutcomeReport, user) -> bool:
    return bool(
        user
        and user.is_authenticated
        and user.is_verifier
        and not report.initiative.is_owned_by(user)
    )


def get_report(report_id: int, user) -> OutcomeReport:
    """A report its owners or a verifier may see; NotFound for anyone else."""
    report = db.session.get(OutcomeReport, report_id)
    if report is None or not can_see_report(report, user):
        raise NotFound(_("Report not found."))
    return report
