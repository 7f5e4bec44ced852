"""What can be reviewed: initiatives (published) and events (once they started); whose they are."""

from dataclasses import dataclass

from flask_babel import gettext as _

from marketplace.donations.urls import path_for
from marketplace.errors import InvalidInput, NotAllowed, NotFound
from marketplace.events.models import Event
from marketplace.events.organisers import is_organiser
from marketplace.extensions import db
from marketplace.initiatives.models import Initiative, InitiativeStatus
from marketplace.reviews.models import SubjectType
from marketplace.timeutil import as_utc, utcnow


@dataclass(frozen=True)
class Subject:
    type: SubjectType
    id: int
    title: str
    initiative_id: int | None  # the initiative it belongs to (its page shows the reviews)
    url: str
    started: bool


def subject_type(value) -> SubjectType:
    try:
        return SubjectType(value)
    except ValueError:
        raise InvalidInput(
            _("Choose initiative or event."), {"subject_type": [_("Not a kind of subject.")]}
        ) from None


def get_subject(kind: SubjectType, subject_id: int) -> Subject:
    """The subject, or NotFound (drafts are not there for reviewers)."""
    if kind == SubjectType.INITIATIVE:
        initiative = db.session.get(Initiative, subject_id)
        if initiative is None or initiative.status != InitiativeStatus.PUBLISHED:
            raise NotFound(_("This initiative does not exist."))
        url = path_for("initiatives.detail", slug=initiative.slug)
        return Subject(kind, initiative.id, initiative.name, initiative.id, url, True)
    event = db.session.get(Event, subject_id)
    if event is None:
        raise NotFound(_("This event does not exist."))
    started = as_utc(event.starts_at) <= utcnow()
    url = path_for("events.detail", event_id=event.id)
    return Subject(kind, event.id, event.title, event.initiative_id, url, started)


def is_own(user, subject: Subject) -> bool:
    """An owner of the initiative, or an organiser of the event."""
    if subject.type == SubjectType.INITIATIVE:
        return db.session.get(Initiative, subject.id).is_owned_by(user)
    return is_organiser(user, db.session.get(Event, subject.id))


def require_reviewable(user, subject: Subject) -> None:
    if is_own(user, subject):
        raise NotAllowed(_("You cannot review your own initiative or event."))
    if not subject.started:
        raise InvalidInput(
            _("An event can be reviewed once it has started."),
            {"subject_id": [_("This event has not started yet.")]},
        )
