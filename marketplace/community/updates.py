"""Updates: news an initiative's owners post (sanitised Markdown, up to four photos checked by
content, an optional link to one of its accepted outcome reports or to an event).

Outcome reports belong to the impact package, above this one: the link is checked against the
`outcome_reports` table by name (the foreign key names it already), without importing impact.
"""

from flask_babel import gettext as _
from sqlalchemy import column, or_, select, table
from sqlalchemy.orm import selectinload

from marketplace import pagecache
from marketplace.accounts.models import User
from marketplace.community.models import Update, UpdatePhoto
from marketplace.community.registry import FeedItem, FeedScope
from marketplace.errors import InvalidInput, NotAllowed, NotFound
from marketplace.extensions import db
from marketplace.initiatives.models import Initiative, InitiativeStatus
from marketplace.inputs import as_id
from marketplace.text import plain_text, render_markdown
from marketplace.timeutil import utcnow
from marketplace.uploads import store_image

MAX_PHOTOS = 4
PHOTO_MAX_BYTES = 5 * 1024 * 1024
TITLE_MAX = 200
BODY_MAX = 20000
OUTCOME_REPORTS = table(
    "outcome_reports", column("id"), column("initiative_id"), column("status"), column("period_end")
)


def _invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, {field: [message]})


def published_initiative(initiative_id) -> Initiative:
    """A published initiative; NotFound for an unknown or unpublished one."""
    key = as_id(initiative_id)
    initiative = db.session.get(Initiative, key) if key else None
    if initiative is None or not initiative.is_published:
        raise NotFound(_("Initiative not found."))
    return initiative


def accepted_reports(initiative_id: int) -> list[int]:
    """The ids of the initiative's accepted outcome reports, newest period first."""
    return list(
        db.session.scalars(
            select(OUTCOME_REPORTS.c.id)
            .where(
                OUTCOME_REPORTS.c.initiative_id == initiative_id,
                OUTCOME_REPORTS.c.status == "accepted",
            )
            .order_by(OUTCOME_REPORTS.c.period_end.desc())
        )
    )


def _checked(initiative: Initiative, data: dict) -> dict:
    title = plain_text(data.get("title"))
    body = plain_text(data.get("body"))
    if not title or len(title) > TITLE_MAX:
        raise _invalid("title", _("Give the update a title of at most %(n)d characters.", n=200))
    if len(body) > BODY_MAX:
        raise _invalid("body", _("At most %(n)d characters.", n=BODY_MAX))
    report_id = data.get("outcome_report_id") or None
    if report_id is not None and as_id(report_id) not in accepted_reports(initiative.id):
        raise _invalid("outcome_report_id", _("Choose one of this initiative's accepted reports."))
    event_id = data.get("event_id") or None
    if event_id is not None and as_id(event_id) is None:
        raise _invalid("event_id", _("This event does not exist."))
    return {
        "title": title,
        "body": body,
        "outcome_report_id": as_id(report_id) if report_id else None,
        "event_id": as_id(event_id) if event_id else None,
    }


def post_update(initiative: Initiative, user: User, data: dict, photos=()) -> Update:
    """Publish an update on the initiative (its owners only); photos are checked before saving."""
    if not initiative.is_owned_by(user):
        raise NotAllowed(_("Only the initiative's owners can post updates."))
    values = _checked(initiative, data)
    streams = [p for p in photos if p]
    if len(streams) > MAX_PHOTOS:
        raise _invalid("photos", _("At most %(n)d photos.", n=MAX_PHOTOS))
    stored = [store_image(s, "updates", PHOTO_MAX_BYTES, field="photos") for s in streams]
    update = Update(initiative_id=initiative.id, author_id=user.id, published_at=utcnow(), **values)
    update.photos = [
        UpdatePhoto(position=i, filename=s.filename, content_type=s.content_type)
        for i, s in enumerate(stored, start=1)
    ]
    db.session.add(update)
    db.session.commit()
    pagecache.bump([f"initiative:{initiative.id}"])
    return update


def updates_of(initiative_id: int, limit: int = 20) -> list[Update]:
    """The initiative's updates, newest first."""
    return list(
        db.session.scalars(
            select(Update)
            .options(selectinload(Update.photos))
            .where(Update.initiative_id == initiative_id)
            .order_by(Update.published_at.desc(), Update.id.desc())
            .limit(limit)
        )
    )


def get_photo(update_id: int, position: int) -> UpdatePhoto:
    """A photo of an update of a published initiative; NotFound otherwise."""
    photo = db.session.scalar(
        select(UpdatePhoto)
        .join(Update)
        .join(Initiative, Initiative.id == Update.initiative_id)
        .where(UpdatePhoto.update_id == update_id, UpdatePhoto.position == position)
        .where(Initiative.status == InitiativeStatus.PUBLISHED)
    )
    if photo is None:
        raise NotFound(_("Photo not found."))
    return photo


def update_url(update: Update, slug: str) -> str:
    return f"/initiatives/{slug}#update-{update.id}"


def update_items(scope: FeedScope) -> list[FeedItem]:
    """The feed source of updates: those of the initiatives in scope and those the people in
    scope wrote, newest first."""
    query = (
        select(Update, Initiative.slug, Initiative.name, Initiative.municipality)
        .join(Initiative, Initiative.id == Update.initiative_id)
        .where(
            or_(
                Update.initiative_id.in_(scope.initiative_ids),
                Update.author_id.in_(scope.person_ids),
            )
        )
        .where(Initiative.status == InitiativeStatus.PUBLISHED)
        .order_by(Update.published_at.desc(), Update.id.desc())
        .limit(scope.limit)
    )
    if scope.before is not None:
        query = query.where(Update.published_at < scope.before)
    return [
        FeedItem(
            kind="update",
            id=update.id,
            title=update.title,
            url=update_url(update, slug),
            published_at=update.published_at,
            summary_html=render_markdown(update.body),
            initiative_id=update.initiative_id,
            place=municipality,
        )
        for update, slug, _name, municipality in db.session.execute(query)
    ]
