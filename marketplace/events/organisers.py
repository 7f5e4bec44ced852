"""Who organises an event: an initiative's owners, an organisation's owners and members, or (for
the platform's own events) the administrators."""

from flask_babel import gettext as _
from sqlalchemy import select

from marketplace.errors import InvalidInput, NotAllowed, NotFound
from marketplace.events.models import Event
from marketplace.extensions import db
from marketplace.initiatives.models import Initiative, initiative_owners
from marketplace.organisations.models import GIVING_ROLES, Membership, Organisation

ORGANISING_ROLES = GIVING_ROLES  # owners and members; viewers only read


def _member_of(user, organisation_id: int) -> bool:
    return (
        db.session.scalar(
            select(Membership.id).where(
                Membership.organisation_id == organisation_id,
                Membership.user_id == user.id,
                Membership.role.in_(ORGANISING_ROLES),
            )
        )
        is not None
    )


def require_organiser_for(user, initiative_id: int | None, organisation_id: int | None) -> None:
    """May `user` organise for this initiative, organisation or (neither) the platform?

    NotFound for an initiative or organisation that does not exist, NotAllowed otherwise."""
    if initiative_id is not None and organisation_id is not None:
        message = _("An event has one organiser: an initiative or an organisation.")
        raise InvalidInput(message, {"organisation_id": [message]})
    if initiative_id is not None:
        initiative = db.session.get(Initiative, initiative_id)
        if initiative is None:
            raise NotFound(_("This initiative does not exist."))
        if not (initiative.is_owned_by(user) or user.is_admin):
            raise NotAllowed(_("Only the initiative's owners can organise its events."))
        return
    if organisation_id is not None:
        if db.session.get(Organisation, organisation_id) is None:
            raise NotFound(_("This organisation does not exist."))
        if not (_member_of(user, organisation_id) or user.is_admin):
            raise NotAllowed(_("Only the organisation's members can organise its events."))
        return
    if not user.is_admin:
        raise NotAllowed(_("Only administrators organise the platform's own events."))


def is_organiser(user, event: Event) -> bool:
    """Does `user` organise `event` (and so see its attendees and check people in)?"""
    if not getattr(user, "is_authenticated", False):
        return False
    if event.initiative_id is not None:
        return event.initiative.is_owned_by(user)
    if event.organisation_id is not None:
        return _member_of(user, event.organisation_id)
    return bool(user.is_admin)


def organiser_choices(user) -> list[tuple[str, str]]:
    """("initiative:3", "Buurtkracht") options of the event form: what `user` may organise for."""
    choices: list[tuple[str, str]] = []
    if user.is_admin:
        choices.append(("platform", _("Impactbeurs (the platform)")))
    initiatives = db.session.execute(
        select(Initiative.id, Initiative.name)
        .join(initiative_owners, initiative_owners.c.initiative_id == Initiative.id)
        .where(initiative_owners.c.user_id == user.id)
        .order_by(Initiative.name)
    ).all()
    choices += [(f"initiative:{row.id}", row.name) for row in initiatives]
    organisations = db.session.execute(
        select(Organisation.id, Organisation.name)
        .join(Membership, Membership.organisation_id == Organisation.id)
        .where(Membership.user_id == user.id, Membership.role.in_(ORGANISING_ROLES))
        .order_by(Organisation.name)
    ).all()
    choices += [(f"organisation:{row.id}", row.name) for row in organisations]
    return choices
