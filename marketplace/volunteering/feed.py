"""What tasks add to the community: new tasks in the feed, hours volunteered on a profile."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from marketplace.community.registry import FeedItem, FeedScope, ProfileSection
from marketplace.extensions import db
from marketplace.text import render_markdown
from marketplace.timeutil import as_utc
from marketplace.volunteering.hours import hours_by_initiative
from marketplace.volunteering.models import Task

SUMMARY_CHARS = 300


def tasks_feed(scope: FeedScope) -> list[FeedItem]:
    """New tasks of the scope's initiatives, newest first (a `FeedSource`)."""
    query = select(Task).where(Task.initiative_id.in_(scope.initiative_ids))
    if scope.before is not None:
        query = query.where(Task.created_at < scope.before)
    found = db.session.scalars(
        query.order_by(Task.created_at.desc(), Task.id.desc()).limit(scope.limit)
    )
    return [
        FeedItem(
            kind="task",
            id=task.id,
            title=task.title,
            url=f"/tasks/{task.id}",
            published_at=as_utc(task.created_at),
            summary_html=render_markdown(task.description[:SUMMARY_CHARS]),
            initiative_id=task.initiative_id,
            place=task.place_name or task.postcode,
            starts_at=as_utc(task.starts_at) if task.starts_at else None,
        )
        for task in found
    ]


def hours_context(user_id: int) -> dict:
    per_initiative = hours_by_initiative(user_id)
    return {
        "hours_by_initiative": per_initiative,
        "hours_total": sum((h.hours for h in per_initiative), 0),
    }


hours_section = ProfileSection(
    key="hours",
    label=lambda: str(_l("Hours volunteered")),
    template="volunteering/_profile_hours.html",
    context=hours_context,
)
