"""RSVPs: a place or a place on the waiting list, never more going than the capacity (the event's
row is locked while counting), cancelling moves the first waitlisted person up, check-in."""

import secrets

from flask_babel import gettext as _
from sqlalchemy import func, select

from marketplace.errors import InvalidInput, NotFound
from marketplace.events import tickets
from marketplace.events.models import Event, Rsvp, RsvpStatus
from marketplace.events.organisers import is_organiser
from marketplace.extensions import db
from marketplace.timeutil import utcnow

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out at the door
CODE_LENGTH = 8


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))


def _locked_event(event_id: int) -> Event:
    """The event's row, locked until the commit: RSVPs to one event are counted one at a time."""
    event = db.session.execute(
        select(Event)
        .where(Event.id == event_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if event is None:
        raise NotFound(_("This event does not exist."))
    return event


def _going(event_id: int) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Rsvp)
        .where(Rsvp.event_id == event_id, Rsvp.status == RsvpStatus.GOING)
    )


def rsvp_of(user, event_id: int) -> Rsvp | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(select(Rsvp).where(Rsvp.event_id == event_id, Rsvp.user_id == user.id))


def rsvp_to_event(user, event_id: int) -> tuple[Rsvp, bool]:
    """A place when one is free, else a place on the waiting list; (the RSVP, new?). A second
    RSVP by the same person is the first one."""
    event = _locked_event(event_id)
    existing = rsvp_of(user, event.id)
    if existing is not None:
        db.session.commit()  # releases the lock
        return existing, False
    status = RsvpStatus.GOING if _going(event.id) < event.capacity else RsvpStatus.WAITLISTED
    rsvp = Rsvp(event_id=event.id, user_id=user.id, status=status, code=new_code())
    db.session.add(rsvp)
    db.session.flush()
    if status == RsvpStatus.GOING:
        tickets.queue_ticket(rsvp, event, user)
    db.session.commit()
    return rsvp, True


def _own_rsvp(user, rsvp_id: int) -> Rsvp:
    rsvp = db.session.get(Rsvp, rsvp_id)
    if rsvp is None or rsvp.user_id != user.id:
        raise NotFound(_("This RSVP does not exist."))
    return rsvp


def cancel_rsvp(user, rsvp_id: int) -> None:
    """Give up one's own place (or waiting-list place); a freed place goes to the first waiting."""
    event_id = _own_rsvp(user, rsvp_id).event_id
    event = _locked_event(event_id)
    rsvp = _own_rsvp(user, rsvp_id)  # again, under the lock
    freed = rsvp.status == RsvpStatus.GOING
    db.session.delete(rsvp)
    db.session.flush()
    if freed:
        _move_up(event)
    db.session.commit()


def _move_up(event: Event) -> None:
    free = event.capacity - _going(event.id)
    waiting = db.session.scalars(
        select(Rsvp)
        .where(Rsvp.event_id == event.id, Rsvp.status == RsvpStatus.WAITLISTED)
        .order_by(Rsvp.created_at, Rsvp.id)
        .limit(max(free, 0))
    ).all()
    for rsvp in waiting:
        rsvp.status = RsvpStatus.GOING
        tickets.queue_ticket(rsvp, event, rsvp.user, moved_up=True)


def fill_free_places(event_id: int) -> None:
    """Give free places (more capacity, a person erased) to the waiting list, in order; the
    caller commits."""
    _move_up(_locked_event(event_id))


def _check_in(rsvp: Rsvp) -> Rsvp:
    if rsvp.status != RsvpStatus.GOING:
        raise InvalidInput(_("This person is on the waiting list, without a place."))
    if rsvp.checked_in_at is None:
        rsvp.checked_in_at = utcnow()
    db.session.commit()
    return rsvp


def check_in(user, rsvp_id: int) -> Rsvp:
    """The organiser checks a person in (by RSVP id); anybody else learns nothing: NotFound."""
    rsvp = db.session.get(Rsvp, rsvp_id)
    if rsvp is None or not is_organiser(user, rsvp.event):
        raise NotFound(_("This RSVP does not exist."))
    return _check_in(rsvp)


def check_in_by_code(user, event: Event, code: str) -> Rsvp:
    """The organiser checks a person in by the code on their ticket."""
    if not is_organiser(user, event):
        raise NotFound(_("This event does not exist."))
    cleaned = "".join((code or "").split()).upper()[: CODE_LENGTH * 2]
    rsvp = db.session.scalar(select(Rsvp).where(Rsvp.event_id == event.id, Rsvp.code == cleaned))
    if rsvp is None:
        raise InvalidInput(
            _("No ticket with this code for this event."), {"code": [_("Unknown code.")]}
        )
    return _check_in(rsvp)


def attendees(event: Event) -> list[Rsvp]:
    """Everyone with an RSVP: going first (in order of arrival), then the waiting list."""
    return list(
        db.session.scalars(
            select(Rsvp)
            .where(Rsvp.event_id == event.id)
            .order_by(Rsvp.status, Rsvp.created_at, Rsvp.id)
        )
    )


def rsvps_of(user) -> list[Rsvp]:
    """One person's RSVPs, soonest event first."""
    return list(
        db.session.scalars(
            select(Rsvp).join(Event).where(Rsvp.user_id == user.id).order_by(Event.starts_at)
        )
    )


def checked_in(user_id: int, subject_type: str, subject_id: int) -> bool:
    """A participation check for reviews: checked in at the event, or at an event the initiative
    organised."""
    query = select(Rsvp.id).where(Rsvp.user_id == user_id, Rsvp.checked_in_at.is_not(None))
    if subject_type == "event":
        query = query.where(Rsvp.event_id == subject_id)
    elif subject_type == "initiative":
        query = query.join(Event).where(Event.initiative_id == subject_id)
    else:
        return False
    return db.session.scalar(query.limit(1)) is not None


def rsvps_event_id(user, rsvp_id: int) -> int:
    """The event of one's own RSVP (NotFound for someone else's)."""
    return _own_rsvp(user, rsvp_id).event_id
