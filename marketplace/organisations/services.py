"""Organisations: creation, membership checks, invitations by e-mail, roles.

Authorization rule: to anyone who is not a member an organisation does not exist (NotFound, never
403), so ids cannot be probed. Members who lack the role for an action get NotAllowed.
"""

import hashlib
import re
import secrets
import unicodedata
from datetime import timedelta

from flask import current_app, render_template
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select

from marketplace.accounts.models import User
from marketplace.accounts.services import normalise_email
from marketplace.errors import Conflict, InvalidInput, NotAllowed, NotFound
from marketplace.extensions import db
from marketplace.inputs import as_id
from marketplace.mail import Mail, send_mail
from marketplace.organisations.models import (
    ALL_ROLES,
    GIVING_ROLES,
    Invitation,
    MemberRole,
    Membership,
    Organisation,
    OrganisationKind,
)
from marketplace.timeutil import as_utc, utcnow

NAME_MAX = 200
INVITATION_DAYS = 14
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


# --- reading and access -----------------------------------------------------------------------


def organisations_of(user) -> list[Organisation]:
    """The organisations the user is a member of, by name."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        db.session.scalars(
            select(Organisation)
            .join(Membership)
            .where(Membership.user_id == user.id)
            .order_by(Organisation.name, Organisation.id)
        )
    )


def memberships_of(user) -> list[Membership]:
    """The user's memberships with their organisations (one query)."""
    if not getattr(user, "is_authenticated", False):
        return []
    from sqlalchemy.orm import contains_eager

    return list(
        db.session.scalars(
            select(Membership)
            .join(Membership.organisation)
            .options(contains_eager(Membership.organisation))
            .where(Membership.user_id == user.id)
            .order_by(Organisation.name, Organisation.id)
        )
    )


def _membership(organisation_id: int, user_id: int) -> Membership | None:
    return db.session.scalar(
        select(Membership).where(
            Membership.organisation_id == organisation_id, Membership.user_id == user_id
        )
    )


def membership_role(org: Organisation, user) -> str | None:
    """The user's role in the organisation ("owner", "member", "viewer") or None."""
    if org is None or not getattr(user, "is_authenticated", False):
        return None
    membership = _membership(org.id, user.id)
    return membership.role.value if membership else None


def require_member(org_id, user, roles=ALL_ROLES) -> Organisation:
    """The organisation if the user has one of `roles` in it; NotFound for non-members.

    A member without the role gets NotAllowed (they know the organisation exists).
    """
    if not getattr(user, "is_authenticated", False):
        raise NotFound(_("This organisation does not exist."))
    org_id = as_id(org_id)
    if org_id is None:
        raise NotFound(_("This organisation does not exist."))
    row = db.session.execute(
        select(Organisation, Membership.role)
        .join(Membership)
        .where(Organisation.id == org_id, Membership.user_id == user.id)
    ).first()
    if row is None:
        raise NotFound(_("This organisation does not exist."))
    organisation, role = row
    if MemberRole(role).value not in roles:
        raise NotAllowed(_("Your role in this organisation does not allow this."))
    return organisation


def can_give_for(org: Organisation | None, user) -> bool:
    """Owners and members may give on the organisation's behalf; viewers may not."""
    return membership_role(org, user) in GIVING_ROLES


def giving_organisations(user) -> list[Organisation]:
    """Organisations the user may give for (for the give form's choice)."""
    return [m.organisation for m in memberships_of(user) if m.role.value in GIVING_ROLES]


def members_of(org: Organisation) -> list[Membership]:
    from sqlalchemy.orm import joinedload

    return list(
        db.session.scalars(
            select(Membership)
            .options(joinedload(Membership.user))
            .where(Membership.organisation_id == org.id)
            .order_by(Membership.id)
        )
    )


def open_invitations(org: Organisation) -> list[Invitation]:
    return list(
        db.session.scalars(
            select(Invitation)
            .where(
                Invitation.organisation_id == org.id,
                Invitation.accepted_at.is_(None),
                Invitation.revoked_at.is_(None),
                Invitation.expires_at > utcnow(),
            )
            .order_by(Invitation.id)
        )
    )


# --- creating ---------------------------------------------------------------------------------


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:100] or "organisation"


def _unique_slug(name: str) -> str:
    base = slugify(name)
    slug, n = base, 1
    while db.session.scalar(select(func.count()).where(Organisation.slug == slug)):
        n += 1
        slug = f"{base}-{n}"
    return slug


def _clean_kind(kind) -> OrganisationKind:
    try:
        return OrganisationKind(kind or OrganisationKind.FOUNDATION.value)
    except ValueError:
        message = _("Choose a kind of organisation.")
        raise InvalidInput(_("Please correct the marked fields."), {"kind": [message]}) from None


def create_organisation(user: User, name: str, kind: str | None = None) -> Organisation:
    """Create an organisation; its creator becomes its first owner."""
    name = (name or "").strip()
    if not name or len(name) > NAME_MAX:
        message = _("Enter a name of at most %(n)d characters.", n=NAME_MAX)
        raise InvalidInput(_("Please correct the marked fields."), {"name": [message]})
    organisation = Organisation(name=name, slug=_unique_slug(name), kind=_clean_kind(kind))
    organisation.memberships.append(Membership(user_id=user.id, role=MemberRole.OWNER))
    db.session.add(organisation)
    db.session.commit()
    return organisation


# --- invitations ------------------------------------------------------------------------------


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="organisation-invitation")


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _clean_role(role) -> MemberRole:
    try:
        return MemberRole(role)
    except ValueError:
        message = _("Choose owner, member or viewer.")
        raise InvalidInput(_("Please correct the marked fields."), {"role": [message]}) from None


def invitation_link(token: str) -> str:
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    return f"{base}/organisations/invitations/{token}"


def invite_member(org_id: int, inviter: User, email: str, role: str) -> tuple[Invitation, str]:
    """Owners invite staff by e-mail; the mail carries a signed, expiring link.

    Returns the invitation and the signed token (shown only in the mail).
    """
    organisation = require_member(org_id, inviter, roles=(MemberRole.OWNER.value,))
    email = normalise_email(email or "")
    if not _EMAIL.match(email) or len(email) > 254:
        message = _("Enter a valid e-mail address.")
        raise InvalidInput(_("Please correct the marked fields."), {"email": [message]})
    clean_role = _clean_role(role)
    already = db.session.scalar(
        select(Membership.id)
        .join(User, User.id == Membership.user_id)
        .where(Membership.organisation_id == organisation.id, func.lower(User.email) == email)
    )
    if already:
        message = _("This person is already a member.")
        raise InvalidInput(_("Please correct the marked fields."), {"email": [message]})
    secret = secrets.token_urlsafe(24)
    now = utcnow()
    invitation = Invitation(
        organisation_id=organisation.id,
        email=email,
        role=clean_role,
        token_hash=_hash(secret),
        invited_by_id=inviter.id,
        created_at=now,
        expires_at=now + timedelta(days=INVITATION_DAYS),
    )
    db.session.add(invitation)
    db.session.flush()
    token = _serializer().dumps({"i": invitation.id, "s": secret})
    link = invitation_link(token)
    context = {
        "organisation": organisation,
        "inviter": inviter,
        "role": clean_role,
        "link": link,
        "days": INVITATION_DAYS,
    }
    db.session.commit()
    send_mail(
        Mail(
            to=email,
            subject=_("Invitation to join %(name)s on Impactbeurs", name=organisation.name),
            text=render_template("organisations/mail/invitation.txt", **context),
        )
    )
    return invitation, token


def invitation_for_token(token: str) -> Invitation:
    """The open invitation behind a signed link; NotFound for a bad, used or expired link."""
    gone = NotFound(_("This invitation is not valid (any more)."))
    try:
        data = _serializer().loads(token, max_age=INVITATION_DAYS * 86400)
        invitation = db.session.get(Invitation, int(data["i"]))
        secret = str(data["s"])
    except (BadSignature, SignatureExpired, KeyError, TypeError, ValueError):
        raise gone from None
    if (
        invitation is None
        or not secrets.compare_digest(invitation.token_hash, _hash(secret))
        or not invitation.is_open
        or as_utc(invitation.expires_at) <= utcnow()
    ):
        raise gone
    return invitation


def accept_invitation(token: str, user: User) -> Organisation:
    """Join the organisation with the invited role; only the invited e-mail address may accept."""
    invitation = invitation_for_token(token)
    if normalise_email(user.email) != invitation.email:
        raise NotAllowed(
            _("This invitation was sent to another e-mail address. Log in with that account.")
        )
    membership = _membership(invitation.organisation_id, user.id)
    if membership is None:
        db.session.add(
            Membership(
                organisation_id=invitation.organisation_id, user_id=user.id, role=invitation.role
            )
        )
    invitation.accepted_at = utcnow()
    invitation.accepted_by_id = user.id
    db.session.commit()
    return invitation.organisation


def revoke_invitation(org_id: int, owner: User, invitation_id: int) -> None:
    organisation = require_member(org_id, owner, roles=(MemberRole.OWNER.value,))
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.organisation_id != organisation.id:
        raise NotFound(_("This invitation does not exist."))
    if invitation.is_open:
        invitation.revoked_at = utcnow()
        db.session.commit()


# --- roles ------------------------------------------------------------------------------------


def _owner_count(org_id: int) -> int:
    return db.session.scalar(
        select(func.count()).where(
            Membership.organisation_id == org_id, Membership.role == MemberRole.OWNER
        )
    )


def _target(organisation: Organisation, user_id) -> Membership:
    user_id = as_id(user_id)
    membership = None if user_id is None else _membership(organisation.id, user_id)
    if membership is None:
        raise NotFound(_("This member does not exist."))
    return membership


def change_role(org_id: int, owner: User, user_id: int, role: str) -> Membership:
    """Owners change a member's role; the last owner cannot step down."""
    organisation = require_member(org_id, owner, roles=(MemberRole.OWNER.value,))
    new_role = _clean_role(role)
    membership = _target(organisation, user_id)
    if (
        membership.role == MemberRole.OWNER
        and new_role != MemberRole.OWNER
        and _owner_count(organisation.id) <= 1
    ):
        raise Conflict(_("An organisation needs at least one owner."))
    membership.role = new_role
    db.session.commit()
    return membership


def remove_member(org_id: int, actor: User, user_id: int) -> None:
    """Owners remove members; anyone may leave. The last owner cannot be removed."""
    organisation = require_member(org_id, actor)
    membership = _target(organisation, user_id)
    if membership.user_id != actor.id and membership_role(organisation, actor) != "owner":
        raise NotAllowed(_("Only owners can remove other members."))
    if membership.role == MemberRole.OWNER and _owner_count(organisation.id) <= 1:
        raise Conflict(_("An organisation needs at least one owner."))
    db.session.delete(membership)
    db.session.commit()
