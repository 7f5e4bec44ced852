"""Public profiles at `/people/<handle>`: opt-in, each part shown only when the person says so.

The parts are the person's follows (`follows`, this package's own) and the registered
`ProfileSection`s (hours, events, reviews), stored by their `key` in `Profile.shown_sections`.
"""

import re
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from marketplace.accounts.models import User
from marketplace.community.models import Profile
from marketplace.community.registry import ProfileSection, profile_sections
from marketplace.errors import InvalidInput, NotFound
from marketplace.extensions import db
from marketplace.uploads import store_image

HANDLE = re.compile(r"^[a-z0-9][a-z0-9_-]{2,29}$")
AVATAR_MAX_BYTES = 2 * 1024 * 1024
FOLLOWS_KEY = "follows"
BIO_MAX = 500


@dataclass(frozen=True)
class SectionChoice:
    key: str
    label: str


def section_choices() -> list[SectionChoice]:
    """Every part a person may show, in page order: what they follow, then the registered ones."""
    return [SectionChoice(FOLLOWS_KEY, str(_l("What I follow")))] + [
        SectionChoice(s.key, str(s.label())) for s in profile_sections()
    ]


def profile_of(user: User) -> Profile | None:
    return db.session.get(Profile, user.id)


def public_profile(handle: str, viewer=None) -> Profile:
    """The profile behind a handle: public ones for everyone, one's own always; else NotFound."""
    profile = db.session.scalar(select(Profile).where(Profile.handle == (handle or "").lower()))
    own = profile is not None and getattr(viewer, "id", None) == profile.user_id
    if profile is None or profile.user.erased_at is not None or not (profile.public or own):
        raise NotFound(_("This profile does not exist or is not public."))
    return profile


def _invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, {field: [message]})


def _checked_handle(user: User, handle: str) -> str:
    handle = (handle or "").strip().lower()
    if not HANDLE.match(handle):
        raise _invalid(
            "handle",
            _("Use 3 to 30 lowercase letters, digits, - or _, starting with a letter or digit."),
        )
    taken = db.session.scalar(
        select(func.count()).where(Profile.handle == handle, Profile.user_id != user.id)
    )
    if taken:
        raise _invalid("handle", _("This name is taken; choose another."))
    return handle


def save_profile(user: User, data: dict, avatar_stream=None) -> Profile:
    """Create or change one's profile: handle, public or not, municipality, bio, shown parts."""
    handle = _checked_handle(user, data.get("handle", ""))
    bio = (data.get("bio") or "").strip()
    if len(bio) > BIO_MAX:
        raise _invalid("bio", _("At most %(n)d characters.", n=BIO_MAX))
    keys = {c.key for c in section_choices()}
    shown = [k for k in (data.get("shown_sections") or []) if k in keys]
    profile = profile_of(user) or Profile(user_id=user.id)
    if avatar_stream is not None:
        stored = store_image(avatar_stream, "avatars", AVATAR_MAX_BYTES, field="avatar")
        profile.avatar_filename = stored.filename
        profile.avatar_content_type = stored.content_type
    profile.handle = handle
    profile.public = bool(data.get("public"))
    profile.municipality = (data.get("municipality") or "").strip()[:100]
    profile.bio = bio
    profile.shown_sections = sorted(set(shown))
    db.session.add(profile)
    db.session.commit()
    return profile


def visible_sections(profile: Profile, viewer) -> list[ProfileSection]:
    """The registered sections the viewer may see: those shown, or all for the person."""
    own = getattr(viewer, "id", None) == profile.user_id
    return [s for s in profile_sections() if own or profile.shows(s.key)]


def shows_follows(profile: Profile, viewer) -> bool:
    return getattr(viewer, "id", None) == profile.user_id or profile.shows(FOLLOWS_KEY)


def public_people_ids():
    """SELECT users.id of every person with a public profile (for the feed's person scope)."""
    return select(Profile.user_id).where(Profile.public.is_(True))
