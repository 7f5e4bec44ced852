"""The watchlist: initiatives a person or organisation follows without (yet) giving."""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import delete, select

from marketplace.accounts.models import User
from marketplace.errors import NotFound
from marketplace.extensions import db
from marketplace.initiatives.models import Initiative, Theme
from marketplace.organisations.models import Organisation
from marketplace.organisations.services import giving_organisations, require_member
from marketplace.portfolios.models import Watch

Funder = User | Organisation


@dataclass(frozen=True)
class InitiativeRef:
    id: int
    name: str
    slug: str
    theme: Theme


def _watch_filter(funder: Funder):
    if isinstance(funder, Organisation):
        return Watch.organisation_id == funder.id
    return Watch.user_id == funder.id


def watchlist_of(funder: Funder) -> list[InitiativeRef]:
    rows = db.session.execute(
        select(Initiative.id, Initiative.name, Initiative.slug, Initiative.theme)
        .join(Watch, Watch.initiative_id == Initiative.id)
        .where(_watch_filter(funder))
        .order_by(Initiative.name)
    )
    return [InitiativeRef(r[0], r[1], r[2], Theme(r[3])) for r in rows]


def follow_targets(user: User, initiative_id: int) -> list[dict]:
    """The user and the organisations they may give for, each with whether it follows."""
    watching = db.session.execute(
        select(Watch.user_id, Watch.organisation_id).where(
            Watch.initiative_id == initiative_id,
            (Watch.user_id == user.id) | Watch.organisation_id.is_not(None),
        )
    ).all()
    mine = any(row[0] == user.id for row in watching)
    organisations = {row[1] for row in watching if row[1] is not None}
    return [{"organisation": None, "following": mine}] + [
        {"organisation": org, "following": org.id in organisations}
        for org in giving_organisations(user)
    ]


def _watch_target(user: User, organisation_id) -> Funder:
    if organisation_id in (None, ""):
        return user
    return require_member(organisation_id, user, roles=("owner", "member"))


def follow_initiative(user: User, initiative_id: int, organisation_id=None) -> Watch:
    """Put a published initiative on the watchlist of the user or one of their organisations."""
    funder = _watch_target(user, organisation_id)
    initiative = db.session.get(Initiative, initiative_id)
    if initiative is None or not initiative.is_visible_to(user):
        raise NotFound(_("This initiative does not exist."))
    existing = db.session.scalar(
        select(Watch).where(_watch_filter(funder), Watch.initiative_id == initiative.id)
    )
    if existing is not None:
        return existing
    watch = Watch(initiative_id=initiative.id, created_by_id=user.id)
    if isinstance(funder, Organisation):
        watch.organisation_id = funder.id
    else:
        watch.user_id = funder.id
    db.session.add(watch)
    db.session.commit()
    return watch


def unfollow_initiative(user: User, initiative_id: int, organisation_id=None) -> None:
    funder = _watch_target(user, organisation_id)
    db.session.execute(
        delete(Watch).where(_watch_filter(funder), Watch.initiative_id == initiative_id)
    )
    db.session.commit()
