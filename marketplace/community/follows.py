"""Following: a person, or an organisation they give for, follows an initiative, a person with a
public profile, an organisation, a theme or a municipality. (The portfolio's watchlist is the
initiatives a person or organisation follows.)

`subject_id` is the id of an initiative, person (user) or organisation, and the code of a theme
(`energy`) or the name of a municipality as initiatives carry it (`Utrecht`).
"""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from marketplace import pagecache
from marketplace.accounts.models import User
from marketplace.community.models import ID_SUBJECTS, Follow, Profile, SubjectType
from marketplace.errors import InvalidInput, NotFound
from marketplace.extensions import db
from marketplace.initiatives.models import Initiative, InitiativeStatus, Theme
from marketplace.inputs import as_id
from marketplace.organisations.models import GIVING_ROLES, Membership, Organisation
from marketplace.organisations.services import giving_organisations, require_member

Follower = User | Organisation


@dataclass(frozen=True)
class InitiativeRef:
    id: int
    name: str
    slug: str
    theme: Theme


@dataclass(frozen=True)
class Subject:
    type: SubjectType
    key: str
    name: str
    initiative_id: int | None = None
    person_id: int | None = None
    organisation_id: int | None = None


def _invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, {field: [message]})


def _subject_type(value) -> SubjectType:
    try:
        return SubjectType(value)
    except ValueError:
        raise _invalid("subject_type", _("Choose what to follow.")) from None


def resolve_subject(subject_type, subject_id) -> Subject:
    """The subject a type and id name; NotFound for an id with nothing (visible) behind it."""
    kind = _subject_type(subject_type)
    if kind in ID_SUBJECTS:
        return _id_subject(kind, as_id(subject_id))
    code = str(subject_id if subject_id is not None else "").strip()
    if kind == SubjectType.THEME:
        if code not in {t.value for t in Theme}:
            raise _invalid("subject_id", _("This theme does not exist."))
        return Subject(kind, code, Theme(code).label)
    name = db.session.scalar(
        select(Initiative.municipality)
        .where(func.lower(Initiative.municipality) == code.lower()[:100])
        .where(Initiative.status == InitiativeStatus.PUBLISHED)
        .limit(1)
    )
    if not code or name is None:
        raise _invalid("subject_id", _("No initiatives are known in this municipality."))
    return Subject(kind, name, name)


def _id_subject(kind: SubjectType, key: int | None) -> Subject:
    if kind == SubjectType.INITIATIVE:
        found = db.session.get(Initiative, key) if key else None
        if found is None or not found.is_published:
            raise NotFound(_("Initiative not found."))
        return Subject(kind, str(found.id), found.name, initiative_id=found.id)
    if kind == SubjectType.ORGANISATION:
        org = db.session.get(Organisation, key) if key else None
        if org is None:
            raise NotFound(_("This organisation does not exist."))
        return Subject(kind, str(org.id), org.name, organisation_id=org.id)
    profile = db.session.get(Profile, key) if key else None
    if profile is None or not profile.public or profile.user.erased_at is not None:
        raise NotFound(_("This profile does not exist or is not public."))
    return Subject(kind, str(key), profile.user.name, person_id=key)


def follower_for(user: User, organisation_id=None) -> Follower:
    """The user, or an organisation they may act for (owner or member; else 404/403)."""
    if organisation_id in (None, ""):
        return user
    return require_member(organisation_id, user, roles=GIVING_ROLES)


def _of(follower: Follower):
    if isinstance(follower, Organisation):
        return Follow.organisation_id == follower.id
    return Follow.user_id == follower.id


def _find(follower: Follower, subject: Subject) -> Follow | None:
    return db.session.scalar(
        select(Follow).where(
            _of(follower), Follow.subject_type == subject.type, Follow.subject_key == subject.key
        )
    )


def follow(user: User, subject_type, subject_id, organisation_id=None) -> tuple[Follow, bool]:
    """Follow a subject (for oneself or an organisation); (the follow, whether it is new).
    Following again answers the existing follow."""
    follower = follower_for(user, organisation_id)
    subject = resolve_subject(subject_type, subject_id)
    if subject.person_id is not None and subject.person_id == user.id and follower is user:
        raise _invalid("subject_id", _("You cannot follow yourself."))
    existing = _find(follower, subject)
    if existing is not None:
        return existing, False
    row = Follow(
        user_id=None if isinstance(follower, Organisation) else follower.id,
        organisation_id=follower.id if isinstance(follower, Organisation) else None,
        created_by_id=user.id,
        subject_type=subject.type,
        subject_key=subject.key,
        initiative_id=subject.initiative_id,
        person_id=subject.person_id,
        followed_organisation_id=subject.organisation_id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:  # a concurrent request followed first
        return _find(follower, subject), False
    db.session.commit()
    _changed(subject)
    return row, True


def _changed(subject: Subject) -> None:
    """The initiative page shows its follower count: make its cached copy stale."""
    if subject.initiative_id is not None:
        pagecache.bump([f"initiative:{subject.initiative_id}"])


def _may_manage(user: User, row: Follow) -> bool:
    if row.user_id is not None:
        return row.user_id == user.id
    return (
        db.session.scalar(
            select(Membership.id).where(
                Membership.organisation_id == row.organisation_id,
                Membership.user_id == user.id,
                Membership.role.in_(GIVING_ROLES),
            )
        )
        is not None
    )


def get_follow(user: User, follow_id) -> Follow:
    """One of the user's follows (or of an organisation they act for); NotFound otherwise."""
    key = as_id(follow_id)
    row = db.session.get(Follow, key) if key else None
    if row is None or not _may_manage(user, row):
        raise NotFound(_("This follow does not exist."))
    return row


def delete_follow(user: User, follow_id) -> None:
    """Stop following (by the follow's id)."""
    row = get_follow(user, follow_id)
    initiative_id = row.initiative_id
    db.session.delete(row)
    db.session.commit()
    if initiative_id is not None:
        pagecache.bump([f"initiative:{initiative_id}"])


def unfollow(user: User, subject_type, subject_id, organisation_id=None) -> None:
    """Stop following a subject (for oneself or an organisation); nothing when not following."""
    follower = follower_for(user, organisation_id)
    kind = _subject_type(subject_type)
    key = str(as_id(subject_id) or "") if kind in ID_SUBJECTS else str(subject_id or "")
    db.session.execute(
        delete(Follow).where(_of(follower), Follow.subject_type == kind, Follow.subject_key == key)
    )
    db.session.commit()
    if kind == SubjectType.INITIATIVE and key:
        pagecache.bump([f"initiative:{key}"])


def follows_of(follower: Follower) -> list[Follow]:
    return list(db.session.scalars(select(Follow).where(_of(follower)).order_by(Follow.id)))


def follower_count(subject_type: SubjectType, key) -> int:
    return db.session.scalar(
        select(func.count(Follow.id)).where(
            Follow.subject_type == subject_type, Follow.subject_key == str(key)
        )
    )


def follow_targets(user, subject_type: SubjectType, key) -> list[dict]:
    """For the follow buttons: the user and each organisation they give for, following or not."""
    if not getattr(user, "is_authenticated", False):
        return []
    rows = db.session.execute(
        select(Follow.user_id, Follow.organisation_id).where(
            Follow.subject_type == subject_type,
            Follow.subject_key == str(key),
            (Follow.user_id == user.id) | Follow.organisation_id.is_not(None),
        )
    ).all()
    mine = any(row[0] == user.id for row in rows)
    organisations = {row[1] for row in rows if row[1] is not None}
    return [{"organisation": None, "following": mine}] + [
        {"organisation": org, "following": org.id in organisations}
        for org in giving_organisations(user)
    ]


def initiatives_followed(follower: Follower) -> list[InitiativeRef]:
    """The initiatives a person or organisation follows: the portfolio's watchlist."""
    rows = db.session.execute(
        select(Initiative.id, Initiative.name, Initiative.slug, Initiative.theme)
        .join(Follow, Follow.initiative_id == Initiative.id)
        .where(_of(follower), Follow.subject_type == SubjectType.INITIATIVE)
        .order_by(Initiative.name)
    )
    return [InitiativeRef(r[0], r[1], r[2], Theme(r[3])) for r in rows]
