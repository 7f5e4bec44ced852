"""What the domains above the community package add to the feed and to public profiles.

The community package owns following, the feed and `/people/<handle>`, but tasks, events and
reviews live in packages above it, so it cannot import them. The app factory lists their parts
instead (`create_app` → `register_community`), as it lists the initiative page's sections:

* a `FeedSource` is a function of a `FeedScope` returning `FeedItem`s, newest first;
* a `ProfileSection` is a named part of a person's public profile, shown to others only when the
  person chose to show it (`key` is the name of that choice).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import Flask, current_app
from markupsafe import Markup
from sqlalchemy import Select

FEED_EXTENSION = "community_feed_sources"
PROFILE_EXTENSION = "community_profile_sections"


@dataclass(frozen=True)
class FeedScope:
    """Whose news one feed page shows: SELECTs of ids (never lists: a followed theme can hold
    thousands of initiatives), the page's cursor and its size."""

    initiative_ids: Select  # SELECT initiatives.id: followed, in a followed theme or municipality,
    # organised by a followed organisation, or within the chosen radius
    organisation_ids: Select  # SELECT organisations.id the person follows
    person_ids: Select  # SELECT users.id of the people the person follows (public profiles only)
    before: datetime | None  # aware UTC; only items published strictly before it
    limit: int


@dataclass(frozen=True)
class FeedItem:
    kind: str  # "update", "event", "task", ...
    id: int
    title: str
    url: str  # path on this site, e.g. "/events/12"
    published_at: datetime  # aware UTC; the feed's order
    summary_html: Markup  # already sanitised
    initiative_id: int | None = None
    organisation_id: int | None = None
    place: str | None = None  # municipality or "online"
    starts_at: datetime | None = None  # events and tasks: when it happens (aware UTC)


FeedSource = Callable[[FeedScope], list[FeedItem]]


@dataclass(frozen=True)
class ProfileSection:
    key: str  # the person's choice that shows it to others, e.g. "hours"; stable, stored
    label: Callable[[], str]  # lazy: translated when shown
    template: str  # rendered with `person` (the User) and the `context` dict
    context: Callable[[int], dict]  # user id -> template context


def set_feed_sources(app: Flask, sources: tuple[FeedSource, ...]) -> None:
    app.extensions[FEED_EXTENSION] = sources


def feed_sources() -> tuple[FeedSource, ...]:
    return current_app.extensions.get(FEED_EXTENSION, ())


def set_profile_sections(app: Flask, sections: tuple[ProfileSection, ...]) -> None:
    app.extensions[PROFILE_EXTENSION] = sections


def profile_sections() -> tuple[ProfileSection, ...]:
    return current_app.extensions.get(PROFILE_EXTENSION, ())
