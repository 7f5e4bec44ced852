"""Posting tasks and finding them: near a postcode (distance), by theme and by date."""

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import Select, func, or_, select

from marketplace import geo
from marketplace.accounts.models import User
from marketplace.errors import InvalidInput, NotAllowed, NotFound
from marketplace.extensions import db
from marketplace.initiatives.models import Initiative, InitiativeStatus
from marketplace.timeutil import amsterdam_day_bounds, as_utc, utcnow
from marketplace.volunteering.models import Signup, SignupStatus, Task

POSTCODE = re.compile(r"^\s*([1-9][0-9]{3})\s?([A-Za-z]{2})?\s*$")
COORDINATE = Decimal("0.000001")
LIMITS = {"title": 200, "description": 20000, "skills": 300}
MAX_DURATION_MINUTES = 7 * 24 * 60
MAX_CAPACITY = 10000
MAX_CANCEL_HOURS = 24 * 30
DEFAULT_RADIUS_KM = 10.0


def normal_postcode(text: str | None) -> str | None:
    """ "3511AB" → "3511 AB", "3511" stays; None when it is no Dutch postcode."""
    match = POSTCODE.match(text or "")
    if not match:
        return None
    return f"{match.group(1)} {match.group(2).upper()}" if match.group(2) else match.group(1)


def locate_postcode(text: str | None) -> geo.Place | None:
    """Where a postcode is: the geocoder, as for the initiative map, or the shipped table when
    the geocoder cannot be reached (a task near the right town is better than no task)."""
    postcode = normal_postcode(text)
    return geo.locate(postcode) if postcode else None


def _fail(field: str, message: str):
    raise InvalidInput(_("Please correct the marked fields."), {field: [message]})


def _whole(data: dict, field: str, low: int, high: int, default: int | None = None) -> int:
    value = data.get(field, default)
    if isinstance(value, bool) or value is None:
        _fail(field, _("Required."))
    try:
        number = int(value)
    except (TypeError, ValueError):
        _fail(field, _("Not a whole number."))
    if not low <= number <= high:
        _fail(field, _("Must be between %(low)d and %(high)d.", low=low, high=high))
    return number


def _text(data: dict, field: str, required: bool = False) -> str:
    value = str(data.get(field) or "").replace("\x00", "").strip()
    if required and not value:
        _fail(field, _("Required."))
    if len(value) > LIMITS[field]:
        _fail(field, _("At most %(n)d characters.", n=LIMITS[field]))
    return value


def _starts_at(value) -> datetime | None:
    if value in (None, ""):
        return None
    if not isinstance(value, datetime) or value.tzinfo is None:
        _fail("starts_at", _("Not a valid date and time."))
    if not 2000 <= value.year <= 2100:
        _fail("starts_at", _("Not a valid date and time."))
    return as_utc(value)


def clean_task_fields(data: dict) -> tuple[dict, geo.Place]:
    """Checked task fields (422 naming the field otherwise) and the place of the postcode."""
    clean = {
        "title": _text(data, "title", required=True),
        "description": _text(data, "description"),
        "skills": _text(data, "skills"),
        "starts_at": _starts_at(data.get("starts_at")),
        "duration_minutes": _whole(data, "duration_minutes", 1, MAX_DURATION_MINUTES),
        "capacity": _whole(data, "capacity", 1, MAX_CAPACITY),
        "cancel_hours": _whole(data, "cancel_hours", 0, MAX_CANCEL_HOURS, default=24),
    }
    postcode = normal_postcode(data.get("postcode"))
    place = geo.locate(postcode) if postcode else None
    if place is None:
        _fail("postcode", _("Not a Dutch postcode we know."))
    clean["postcode"] = postcode
    clean["place_name"] = place.name[:200]
    clean["latitude"] = Decimal(str(place.latitude)).quantize(COORDINATE)
    clean["longitude"] = Decimal(str(place.longitude)).quantize(COORDINATE)
    return clean, place


def owned_initiative(initiative_id, user: User) -> Initiative:
    """The initiative a task is posted for: 404 unknown (or a draft one may not see), 403 when
    the user is not one of its owners."""
    initiative = db.session.get(Initiative, initiative_id) if initiative_id else None
    if initiative is None or not initiative.is_visible_to(user):
        raise NotFound(_("Initiative not found."))
    if not initiative.is_owned_by(user):
        raise NotAllowed(_("Only the owners of this initiative may post tasks."))
    return initiative


def create_task(user: User, data: dict) -> Task:
    """A new task of an initiative the user owns."""
    initiative = owned_initiative(data.get("initiative_id"), user)
    clean, _place = clean_task_fields(data)
    task = Task(initiative_id=initiative.id, created_by_id=user.id, **clean)
    db.session.add(task)
    db.session.commit()
    return task


def get_task(task_id: int, user=None) -> Task:
    """A task whose initiative the user may see; NotFound otherwise."""
    task = db.session.get(Task, task_id)
    if task is None or not task.initiative.is_visible_to(user):
        raise NotFound(_("Task not found."))
    return task


def counts(task_ids: list[int]) -> dict[int, dict[str, int]]:
    """Per task: how many are signed up and how many wait (one query)."""
    found: dict[int, dict[str, int]] = {i: {"signed_up": 0, "waitlisted": 0} for i in task_ids}
    if not task_ids:
        return found
    rows = db.session.execute(
        select(Signup.task_id, Signup.status, func.count())
        .where(
            Signup.task_id.in_(task_ids),
            Signup.status.in_([SignupStatus.SIGNED_UP, SignupStatus.WAITLISTED]),
        )
        .group_by(Signup.task_id, Signup.status)
    )
    for task_id, status, number in rows:
        found[task_id][SignupStatus(status).value] = int(number)
    return found


@dataclass
class Found:
    task: Task
    signed_up: int = 0
    waitlisted: int = 0
    distance_km: float | None = None


@dataclass
class Search:
    near: str | None = None
    radius_km: float = DEFAULT_RADIUS_KM
    theme: str | None = None
    first: date | datetime | None = None  # a day (Amsterdam) or a moment
    last: date | datetime | None = None  # a day (inclusive) or a moment


def _bound(value: date | datetime, upper: bool) -> datetime:
    """A moment as given; a day's first moment, or (upper) the next day's first moment."""
    if isinstance(value, datetime):
        return as_utc(value)
    low, high = amsterdam_day_bounds(value, value)
    return high if upper else low


def _filtered(search: Search, now: datetime) -> Select:
    query = (
        select(Task)
        .join(Initiative, Initiative.id == Task.initiative_id)
        .where(Initiative.status == InitiativeStatus.PUBLISHED)
    )
    if search.theme:
        query = query.where(Initiative.theme == search.theme)
    if search.first or search.last:
        query = query.where(
            Task.starts_at >= (_bound(search.first, False) if search.first else now),
            Task.starts_at < _bound(search.last or date(2100, 1, 1), True),
        )
    else:
        query = query.where(or_(Task.starts_at.is_(None), Task.starts_at >= now))
    return query


def _located(near: str) -> geo.Place:
    place = locate_postcode(near)
    if place is None:
        raise InvalidInput(
            _("Please correct the marked fields."), {"near": [_("Not a Dutch postcode we know.")]}
        )
    return place


def _with_counts(found: list[Found]) -> list[Found]:
    by_task = counts([f.task.id for f in found])
    for item in found:
        item.signed_up = by_task[item.task.id]["signed_up"]
        item.waitlisted = by_task[item.task.id]["waitlisted"]
    return found


def find_tasks(
    search: Search, now: datetime | None = None, offset: int = 0, limit: int | None = None
) -> tuple[list[Found], int]:
    """Upcoming (and flexible) tasks of published initiatives, one page of them and how many in
    all: with `near`, those within the radius, nearest first; else the soonest first (flexible
    ones last), paged in the database."""
    now = now or utcnow()
    query = _filtered(search, now)
    if not search.near:
        total = db.session.scalar(select(func.count()).select_from(query.subquery()))
        ordered = query.order_by(Task.starts_at.is_(None), Task.starts_at, Task.id).offset(offset)
        page = db.session.scalars(ordered.limit(limit) if limit else ordered)
        return _with_counts([Found(task) for task in page]), total
    place = _located(search.near)
    found = []
    nearby = geo.within_radius(
        Task.latitude, Task.longitude, place.latitude, place.longitude, search.radius_km
    )
    for task in db.session.scalars(query.where(nearby)):
        distance = geo.haversine_km(
            place.latitude, place.longitude, float(task.latitude), float(task.longitude)
        )
        if distance <= search.radius_km:
            found.append(Found(task, distance_km=distance))
    found.sort(key=lambda f: (f.distance_km, f.task.id))
    page = found[offset : offset + limit] if limit else found[offset:]
    return _with_counts(page), len(found)


def tasks_of_initiative(initiative_id: int) -> list[Task]:
    return list(
        db.session.scalars(
            select(Task)
            .where(Task.initiative_id == initiative_id)
            .order_by(Task.starts_at, Task.id)
        )
    )


def tasks_owned_by(user: User) -> list[Task]:
    """Every task of the initiatives the user owns, newest first."""
    from_owned = Initiative.owners.any(User.id == user.id)
    return list(
        db.session.scalars(
            select(Task)
            .join(Initiative, Initiative.id == Task.initiative_id)
            .where(from_owned)
            .order_by(Task.created_at.desc(), Task.id.desc())
        )
    )
