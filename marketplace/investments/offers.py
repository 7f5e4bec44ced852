"""An offer's life before money moves: created and edited by the initiative's owners, submitted,
approved (or sent back) by an admin, and changed after approval, which needs approval again.

Every submission freezes the information sheet's content as a new version (`OfferSheet`);
investors see, and subscribe to, the approved version.
"""

from flask_babel import gettext as _
from sqlalchemy import func, select

from marketplace.accounts.models import User
from marketplace.db import get_for_update
from marketplace.errors import InvalidInput, InvalidTransition, NotAllowed, NotFound
from marketplace.extensions import db
from marketplace.initiatives.models import Initiative
from marketplace.investments.models import (
    HOLDS_ROOM,
    Offer,
    OfferSheet,
    OfferStatus,
    Subscription,
    SubscriptionStatus,
    can_move,
)
from marketplace.investments.sheet import sheet_content
from marketplace.investments.terms import FINANCIAL_TERMS, clean_terms, terms_of
from marketplace.timeutil import utcnow

EDITABLE = (OfferStatus.DRAFT, OfferStatus.IN_REVIEW, OfferStatus.OPEN)


def _move(offer: Offer, new: OfferStatus) -> None:
    if not can_move(offer.kind, offer.status, new):
        raise InvalidTransition(
            _(
                "An offer that is %(old)s cannot become %(new)s.",
                old=offer.status.label,
                new=new.label,
            )
        )
    offer.status = new


def get_offer(offer_id: int, user=None) -> Offer:
    """An offer the user may see: approved ones for everybody, others for owners and admins."""
    offer = db.session.get(Offer, offer_id)
    if offer is None or not (offer.is_public or _can_manage(offer, user)):
        raise NotFound(_("This offer does not exist."))
    return offer


def _can_manage(offer: Offer, user) -> bool:
    return bool(user and user.is_authenticated) and (user.is_admin or offer.is_managed_by(user))


def managed_offer(offer_id: int, user) -> Offer:
    """An offer the user manages (its initiative's owner, or an admin); 404 for anybody else."""
    offer = db.session.get(Offer, offer_id)
    if offer is None or not _can_manage(offer, user):
        raise NotFound(_("This offer does not exist."))
    return offer


def create_offer(user: User, initiative_id: int, data: dict) -> Offer:
    """A new offer in draft for an initiative the user owns (anybody else: 404)."""
    initiative = db.session.get(Initiative, initiative_id)
    if initiative is None or not initiative.can_edit(user):
        raise NotFound(_("Initiative not found."))
    terms = clean_terms({"all_or_nothing": True, **data})
    offer = Offer(initiative_id=initiative.id, created_by_id=user.id, **terms)
    db.session.add(offer)
    db.session.commit()
    return offer


def update_offer(user: User, offer_id: int, data: dict) -> Offer:
    """Change an offer's terms. In review it goes back to draft; once approved (open) it goes
    back to review with a new sheet version, and its financial terms are fixed while anybody has
    subscribed."""
    offer = managed_offer(offer_id, user)
    if offer.status not in EDITABLE:
        raise InvalidTransition(
            _("An offer that is %(s)s cannot be changed.", s=offer.status.label)
        )
    current = terms_of(offer)
    terms = clean_terms(data, current)
    changed = {key: value for key, value in terms.items() if current.get(key) != value}
    if not changed:
        return offer
    if offer.status == OfferStatus.OPEN:
        _check_open_change(offer, changed)
    for key, value in changed.items():
        setattr(offer, key, value)
    if offer.status == OfferStatus.IN_REVIEW:
        _move(offer, OfferStatus.DRAFT)
    elif offer.status == OfferStatus.OPEN:
        _move(offer, OfferStatus.IN_REVIEW)
        _new_sheet_version(offer)
    db.session.commit()
    return offer


def _check_open_change(offer: Offer, changed: dict) -> None:
    fixed = [key for key in FINANCIAL_TERMS if key in changed]
    if fixed and subscribed_cents(offer.id, include_open=True):
        names = ", ".join(key.removesuffix("_cents") for key in fixed)
        raise InvalidTransition(
            _("Investors have subscribed to these terms; they cannot change: %(f)s.", f=names)
        )
    if "target_cents" in changed and changed["target_cents"] < subscribed_cents(
        offer.id, include_open=True
    ):
        message = _("The target cannot be below what investors have already subscribed.")
        raise InvalidInput(message, {"target": [message]})


def _new_sheet_version(offer: Offer) -> OfferSheet:
    offer.sheet_version += 1
    sheet = OfferSheet(offer_id=offer.id, version=offer.sheet_version, content=sheet_content(offer))
    db.session.add(sheet)
    return sheet


def submit_offer(user: User, offer_id: int) -> Offer:
    """The owner asks for approval: the sheet's content is frozen as a new version."""
    offer = managed_offer(offer_id, user)
    if not offer.initiative.is_published:
        message = _("Publish the initiative before offering investments in it.")
        raise InvalidInput(message, {"initiative": [message]})
    _move(offer, OfferStatus.IN_REVIEW)
    offer.submitted_at = utcnow()
    offer.review_note = ""
    _new_sheet_version(offer)
    db.session.commit()
    return offer


def _locked_offer_for_review(admin: User, offer_id: int) -> Offer:
    if not admin.is_admin:
        raise NotAllowed(_("Only administrators may do this."))
    offer = get_for_update(Offer, offer_id)
    if offer is None:
        raise NotFound(_("This offer does not exist."))
    return offer


def approve_offer(admin: User, offer_id: int) -> Offer:
    """An admin approves the submitted sheet; the offer is open (subscriptions from opens_at)."""
    offer = _locked_offer_for_review(admin, offer_id)
    if offer.closes_at <= utcnow():
        raise InvalidInput(
            _("This offer's closing date has passed; change it first."),
            {"closes_at": [_("The closing date has passed.")]},
        )
    _move(offer, OfferStatus.OPEN)
    sheet = current_sheet(offer.id, offer.sheet_version)
    now = utcnow()
    sheet.approved_at, sheet.approved_by_id = now, admin.id
    offer.approved_version = sheet.version
    offer.approved_at, offer.approved_by_id = now, admin.id
    db.session.commit()
    return offer


def reject_offer(admin: User, offer_id: int, note: str) -> Offer:
    """An admin sends a submitted offer back to draft, saying why."""
    offer = _locked_offer_for_review(admin, offer_id)
    note = (note or "").strip()
    if not note:
        message = _("Say what must change.")
        raise InvalidInput(message, {"note": [message]})
    _move(offer, OfferStatus.DRAFT)
    offer.review_note = note[:2000]
    db.session.commit()
    return offer


def current_sheet(offer_id: int, version: int | None) -> OfferSheet:
    sheet = db.session.scalar(
        select(OfferSheet).where(OfferSheet.offer_id == offer_id, OfferSheet.version == version)
    )
    if sheet is None:
        raise NotFound(_("This information sheet does not exist."))
    return sheet


def sheet_for(offer: Offer, version: int | None, user) -> OfferSheet:
    """A version of the sheet: approved ones for everybody, any for the offer's managers."""
    version = version or offer.approved_version or offer.sheet_version
    sheet = current_sheet(offer.id, version)
    if sheet.approved_at is None and not _can_manage(offer, user):
        raise NotFound(_("This information sheet does not exist."))
    return sheet


def subscribed_cents(offer_id: int, *, include_open: bool = False) -> int:
    """What investors subscribed: paid (reserved or invested), and the payments under way."""
    statuses = HOLDS_ROOM if include_open else HOLDS_ROOM - {SubscriptionStatus.OPEN}
    return int(
        db.session.scalar(
            select(func.coalesce(func.sum(Subscription.amount_cents), 0)).where(
                Subscription.offer_id == offer_id, Subscription.status.in_(list(statuses))
            )
        )
    )
