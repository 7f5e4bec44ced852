"""A person's feed: updates (this package's own source) and every registered source's items
(events, tasks), from what the person follows and, when they set a postcode and a radius, from
the initiatives within it; merged newest first, one page per cursor (`before`).

The scope is SELECTs of ids, never lists: a followed theme can hold thousands of initiatives.
Initiatives have no organisation, so following an organisation reaches its events and tasks
(`organisation_ids`), not initiatives.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import false, or_, select

from marketplace import geo
from marketplace.accounts.models import User
from marketplace.community.models import FeedSettings, Follow, SubjectType
from marketplace.community.profiles import public_people_ids
from marketplace.community.registry import FeedItem, FeedScope, feed_sources
from marketplace.community.updates import update_items
from marketplace.extensions import db
from marketplace.initiatives.models import Initiative, InitiativeStatus
from marketplace.timeutil import as_utc

PAGE_SIZE = 20


@dataclass(frozen=True)
class FeedPage:
    items: list[FeedItem]
    next_before: datetime | None  # the cursor of the next page; None on the last one


def _followed(user_id: int, kind: SubjectType, column):
    return select(column).where(Follow.user_id == user_id, Follow.subject_type == kind)


def _nearby(settings: FeedSettings | None):
    if settings is None or not settings.radius_km or settings.latitude is None:
        return false()
    return geo.within_radius(
        Initiative.latitude,
        Initiative.longitude,
        float(settings.latitude),
        float(settings.longitude),
        settings.radius_km,
    )


def initiative_scope(user_id: int):
    """SELECT initiatives.id: followed, in a followed theme or municipality, or nearby."""
    settings = db.session.get(FeedSettings, user_id)
    return select(Initiative.id).where(
        Initiative.status == InitiativeStatus.PUBLISHED,
        or_(
            Initiative.id.in_(_followed(user_id, SubjectType.INITIATIVE, Follow.initiative_id)),
            Initiative.theme.in_(_followed(user_id, SubjectType.THEME, Follow.subject_key)),
            Initiative.municipality.in_(
                _followed(user_id, SubjectType.MUNICIPALITY, Follow.subject_key)
            ),
            _nearby(settings),
        ),
    )


def scope_for(user: User, before: datetime | None = None, limit: int = PAGE_SIZE) -> FeedScope:
    return FeedScope(
        initiative_ids=initiative_scope(user.id),
        organisation_ids=_followed(
            user.id, SubjectType.ORGANISATION, Follow.followed_organisation_id
        ),
        person_ids=_followed(user.id, SubjectType.PERSON, Follow.person_id).where(
            Follow.person_id.in_(public_people_ids())
        ),
        before=before,
        limit=limit,
    )


def merged_items(scope: FeedScope) -> list[FeedItem]:
    """Every source's items in scope, newest first, at most `scope.limit`."""
    items = update_items(scope)
    for source in feed_sources():
        items.extend(source(scope))
    items.sort(key=lambda item: (item.published_at, item.kind, item.id), reverse=True)
    return items[: scope.limit]


def feed_page(user: User, before: datetime | None = None, limit: int = PAGE_SIZE) -> FeedPage:
    """One page of the person's feed, and the cursor of the next."""
    items = merged_items(scope_for(user, as_utc(before) if before else None, limit))
    next_before = items[-1].published_at if len(items) == limit else None
    return FeedPage(items, next_before)
