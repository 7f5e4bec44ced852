"""A person's feed: updates (this package's own source) and every registered source's items
(events, tasks), from what the person follows and, when they set a postcode and a radius, from
the initiatives within it; merged newest first, one page per cursor (`before`).

The scope is SELECTs of ids, never lists: a followed theme can hold thousands of initiatives.
Initiatives have no organisation, so following an organisation reaches its events and tasks
(`organisation_ids`), not initiatives.
"""

import math
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, false, or_, select

from marketplace.accounts.models import User
from marketplace.community.models import FeedSettings, Follow, SubjectType
from marketplace.community.profiles import public_people_ids
from marketplace.community.registry import FeedItem, FeedScope, feed_sources
from marketplace.community.updates import update_items
from marketplace.extensions import db
from marketplace.initiatives.models import Initiative, InitiativeStatus
from marketplace.timeutil import as_utc

PAGE_SIZE = 20
KM_PER_DEGREE_LATITUDE = 110.574
KM_PER_DEGREE_LONGITUDE_AT_EQUATOR = 111.320


@dataclass(frozen=True)
class FeedPage:
    items: list[FeedItem]
    next_before: datetime | None  # the cursor of the next page; None on the last one


def _followed(user_id: int, kind: SubjectType, column):
    return select(column).where(Follow.user_id == user_id, Follow.subject_type == kind)


def within_radius(latitude: float, longitude: float, radius_km: float):
    """A condition on initiatives' coordinates: within `radius_km` of the point.

    The equirectangular distance, exact to a fraction of a percent at the scale of the
    Netherlands, in plain arithmetic (SQLite has no trigonometry): the cosine is a constant.
    """
    km_lon = KM_PER_DEGREE_LONGITUDE_AT_EQUATOR * max(math.cos(math.radians(latitude)), 0.01)
    lat_span, lon_span = radius_km / KM_PER_DEGREE_LATITUDE, radius_km / km_lon
    dy = (Initiative.latitude - latitude) * KM_PER_DEGREE_LATITUDE
    dx = (Initiative.longitude - longitude) * km_lon
    return and_(
        Initiative.latitude.between(latitude - lat_span, latitude + lat_span),
        Initiative.longitude.between(longitude - lon_span, longitude + lon_span),
        dy * dy + dx * dx <= radius_km * radius_km,
    )


def _nearby(settings: FeedSettings | None):
    if settings is None or not settings.radius_km or settings.latitude is None:
        return false()
    return within_radius(float(settings.latitude), float(settings.longitude), settings.radius_km)


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
