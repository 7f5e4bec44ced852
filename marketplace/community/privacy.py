"""A person's follows, profile, feed settings and updates in their data export; erasure removes
the follows, profile and settings and keeps the updates on the initiative's page without author
(the watchlist of the portfolio is the initiatives followed, so it moved here too)."""

from sqlalchemy import delete, select, update

from marketplace.accounts.models import User
from marketplace.community.models import (
    DigestSend,
    FeedSettings,
    Follow,
    Profile,
    Update,
)
from marketplace.extensions import db
from marketplace.privacy.registry import DataDomain, Erasure, Rows, when
from marketplace.uploads import stored_path


def _follows(user: User) -> Rows:
    rows = db.session.scalars(select(Follow).where(Follow.user_id == user.id).order_by(Follow.id))
    return [
        {
            "subject_type": f.subject_type.value,
            "subject_id": f.subject_key,
            "subject": f.initiative.name if f.initiative else f.subject_key,
            "since": when(f.created_at),
        }
        for f in rows
    ]


def _profile(user: User) -> Rows:
    profile = db.session.get(Profile, user.id)
    if profile is None:
        return []
    return [
        {
            "handle": profile.handle,
            "public": profile.public,
            "municipality": profile.municipality,
            "bio": profile.bio,
            "avatar": bool(profile.avatar_filename),
            "shown_sections": ",".join(profile.shown_sections or []),
            "created_at": when(profile.created_at),
        }
    ]


def _settings(user: User) -> Rows:
    settings = db.session.get(FeedSettings, user.id)
    if settings is None:
        return []
    return [
        {
            "postcode": settings.postcode,
            "radius_km": settings.radius_km,
            "digest": settings.digest.value,
        }
    ]


def export_community(user: User) -> dict[str, Rows]:
    updates = db.session.scalars(
        select(Update).where(Update.author_id == user.id).order_by(Update.id)
    )
    return {
        "follows": _follows(user),
        "profile": _profile(user),
        "feed_settings": _settings(user),
        "updates": [
            {
                "initiative": u.initiative.name,
                "title": u.title,
                "body": u.body,
                "published_at": when(u.published_at),
            }
            for u in updates
        ],
    }


def erase_community(erasure: Erasure) -> None:
    profile = db.session.get(Profile, erasure.user_id)
    if profile is not None and profile.avatar_filename:
        stored_path("avatars", profile.avatar_filename).unlink(missing_ok=True)
    for model in (Profile, FeedSettings, DigestSend):
        db.session.execute(delete(model).where(model.user_id == erasure.user_id))
    db.session.execute(delete(Follow).where(Follow.user_id == erasure.user_id))
    db.session.execute(delete(Follow).where(Follow.person_id == erasure.user_id))
    db.session.execute(
        update(Follow).where(Follow.created_by_id == erasure.user_id).values(created_by_id=None)
    )
    db.session.execute(
        update(Update).where(Update.author_id == erasure.user_id).values(author_id=None)
    )


DATA = DataDomain(name="community", export=export_community, erase=erase_community)
