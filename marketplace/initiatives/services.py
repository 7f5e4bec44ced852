"""Initiative logic: validation, creation, editing (placed on the map from the postcode), owners,
publishing and the public list."""

import re
import unicodedata
from decimal import Decimal
from urllib.parse import urlsplit

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from marketplace import signals
from marketplace.accounts.models import User
from marketplace.accounts.services import find_user_by_email
from marketplace.db import contains_text
from marketplace.errors import InvalidInput, NotAllowed, NotFound
from marketplace.extensions import db
from marketplace.geo import GeocoderUnavailable, Place, geocode
from marketplace.initiatives.models import Initiative, InitiativeStatus, Theme
from marketplace.money import InvalidAmount, parse_cents
from marketplace.timeutil import utcnow
from marketplace.uploads import store_image

PHOTO_MAX_BYTES = 5 * 1024 * 1024
POSTCODE_PATTERN = re.compile(r"^(\d{4})\s?([A-Za-z]{2})$")
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TEXT_LIMITS = {
    "name": 200,
    "legal_name": 200,
    "summary": 500,
    "description": 20000,
    "municipality": 100,
    "province": 50,
    "website": 300,
}
FIELDS = (
    "name", "slug", "legal_name", "theme", "summary", "description", "municipality", "province",
    "postcode", "funding_goal", "website", "anbi", "rsin",
)  # fmt: skip
COORDINATE = Decimal("0.000001")
REQUIRED = ("name", "theme", "municipality")


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:100] or "initiatief"


def unique_slug(base: str, exclude_id: int | None = None) -> str:
    slug, counter = base, 2
    while True:
        query = select(Initiative.id).where(Initiative.slug == slug)
        if exclude_id is not None:
            query = query.where(Initiative.id != exclude_id)
        if db.session.scalar(query) is None:
            return slug
        slug = f"{base}-{counter}"
        counter += 1


def clean_initiative_fields(data: dict, current: Initiative | None = None) -> dict:
    """Validate and normalise initiative fields; raise InvalidInput with every problem at once.

    With `current` (an edit) fields may be left out; without it the required ones must be there.
    Coordinates are not among them: they follow from the postcode (`place_on_map`).
    """
    errors: dict[str, list[str]] = {}
    clean: dict = {}

    def fail(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    for field in sorted(set(data) - set(FIELDS)):
        fail(field, _("Unknown field."))
    for field in REQUIRED:
        if current is None and not str(data.get(field) or "").strip():
            fail(field, _("This field is required."))
    _clean_texts(data, clean, fail)
    _clean_codes(data, clean, fail)
    if "funding_goal" in data:
        try:
            clean["funding_goal_cents"] = parse_cents(data["funding_goal"] or "0")
        except InvalidAmount:
            fail("funding_goal", _("Enter an amount in euros, such as 5000.00."))
    if clean.get("website"):
        parts = urlsplit(clean["website"])
        if parts.scheme not in ("http", "https") or not parts.netloc:
            fail("website", _("Enter a web address starting with https://."))
    if "anbi" in data:
        clean["anbi"] = data["anbi"] in (True, "true", "True", "1", "on", "y", 1)
    anbi = clean.get("anbi", current.anbi if current else False)
    if anbi and not clean.get("rsin", current.rsin if current else ""):
        fail("rsin", _("An ANBI needs its RSIN."))
    if errors:
        raise InvalidInput(_("Please correct the marked fields."), errors)
    return clean


def _clean_texts(data: dict, clean: dict, fail) -> None:
    for field, limit in TEXT_LIMITS.items():
        if field in data:
            value = str(data[field] or "").strip()
            if len(value) > limit:
                fail(field, _("At most %(n)d characters.", n=limit))
            elif field in REQUIRED and not value:
                fail(field, _("This field is required."))
            clean[field] = value
    if "slug" in data and data["slug"] not in (None, ""):
        slug = str(data["slug"]).strip().lower()
        if not SLUG_PATTERN.match(slug) or len(slug) > 120:
            fail("slug", _("Use lowercase letters, digits and hyphens."))
        clean["slug"] = slug
    if "theme" in data and data["theme"]:
        try:
            clean["theme"] = Theme(data["theme"])
        except ValueError:
            fail("theme", _("Choose one of: %(themes)s.", themes=", ".join(t.value for t in Theme)))


def _clean_codes(data: dict, clean: dict, fail) -> None:
    """The postcode ("1234 AB") and the RSIN (9 digits)."""
    if "postcode" in data:
        postcode = str(data["postcode"] or "").strip()
        match = POSTCODE_PATTERN.match(postcode)
        if postcode and not match:
            fail("postcode", _("Enter a Dutch postcode such as 1234 AB."))
        elif match:
            clean["postcode"] = f"{match.group(1)} {match.group(2).upper()}"
        else:
            clean["postcode"] = ""
    if "rsin" in data:
        rsin = re.sub(r"\D", "", str(data["rsin"] or ""))
        if rsin and len(rsin) != 9:
            fail("rsin", _("An RSIN has 9 digits."))
        clean["rsin"] = rsin


# ------------------------------------------------------------------------------- the map
def locate_postcode(postcode: str) -> Place | None:
    """Where a postcode is, from the geocoder (PDOK); None when it is unknown or the geocoder
    cannot be reached: a town centroid from the offline table would put a pin in the wrong
    street, so an initiative then stays off the map until it is saved again."""
    if not postcode:
        return None
    try:
        return geocode(postcode)
    except GeocoderUnavailable:
        return None


def place_on_map(initiative: Initiative, place: Place | None) -> None:
    """Set the stored coordinates (and an empty province) from a geocoded postcode."""
    if place is None:
        initiative.latitude = initiative.longitude = None
        return
    initiative.latitude = Decimal(str(place.latitude)).quantize(COORDINATE)
    initiative.longitude = Decimal(str(place.longitude)).quantize(COORDINATE)
    if not initiative.province and place.province:
        initiative.province = place.province[:50]


def needs_placing(initiative: Initiative) -> bool:
    """A postcode that is not on the map yet (unknown, or the geocoder was down)."""
    return bool(initiative.postcode) and initiative.latitude is None


def create_initiative(owner: User, data: dict) -> Initiative:
    """A new initiative in draft, owned by its creator."""
    clean = clean_initiative_fields(data)
    slug = clean.pop("slug", None)
    if slug and db.session.scalar(select(Initiative.id).where(Initiative.slug == slug)):
        raise InvalidInput(_("Please correct the marked fields."), {"slug": [_("Already in use.")]})
    place = locate_postcode(clean.get("postcode", ""))
    initiative = Initiative(
        slug=slug or unique_slug(slugify(clean["name"])),
        status=InitiativeStatus.DRAFT,
        **clean,
    )
    place_on_map(initiative, place)
    initiative.owners.append(owner)
    db.session.add(initiative)
    db.session.commit()
    return initiative


def update_initiative(initiative: Initiative, user: User, data: dict) -> Initiative:
    """Edit fields of an initiative (owners and admins only)."""
    require_editor(initiative, user)
    clean = clean_initiative_fields(data, current=initiative)
    new_slug = clean.get("slug")
    if new_slug and new_slug != initiative.slug and slug_taken(new_slug):
        raise InvalidInput(_("Please correct the marked fields."), {"slug": [_("Already in use.")]})
    postcode = clean.get("postcode")
    moved = postcode is not None and (postcode != initiative.postcode or needs_placing(initiative))
    place = locate_postcode(postcode) if moved else None
    for field, value in clean.items():
        setattr(initiative, field, value)
    if moved:
        place_on_map(initiative, place)
    db.session.commit()
    signals.notify(signals.initiative_changed, initiative_id=initiative.id)
    return initiative


def slug_taken(slug: str) -> bool:
    return db.session.scalar(select(Initiative.id).where(Initiative.slug == slug)) is not None


def require_editor(initiative: Initiative, user: User) -> None:
    if not initiative.can_edit(user):
        if initiative.is_visible_to(user):
            raise NotAllowed(_("Only the owners of this initiative may change it."))
        raise NotFound(_("Initiative not found."))


def set_photo(initiative: Initiative, user: User, stream) -> None:
    require_editor(initiative, user)
    stored = store_image(stream, "initiatives", PHOTO_MAX_BYTES, field="photo")
    initiative.photo_filename = stored.filename
    initiative.photo_content_type = stored.content_type
    db.session.commit()
    signals.notify(signals.initiative_changed, initiative_id=initiative.id)


def add_co_owner(initiative: Initiative, user: User, email: str) -> User:
    require_editor(initiative, user)
    new_owner = find_user_by_email(email)
    if new_owner is None:
        message = _("There is no account with this e-mail address; ask them to register first.")
        raise InvalidInput(message, {"email": [message]})
    if new_owner not in initiative.owners:
        initiative.owners.append(new_owner)
        db.session.commit()
    return new_owner


def remove_co_owner(initiative: Initiative, user: User, owner_id: int) -> None:
    require_editor(initiative, user)
    remaining = [o for o in initiative.owners if o.id != owner_id]
    if not remaining:
        message = _("An initiative needs at least one owner.")
        raise InvalidInput(message, {"owner": [message]})
    initiative.owners = remaining
    db.session.commit()


def set_status(initiative: Initiative, user: User, status: InitiativeStatus) -> None:
    """Publish or unpublish; only published initiatives are listed and can receive gifts."""
    require_editor(initiative, user)
    initiative.status = status
    if status == InitiativeStatus.PUBLISHED and initiative.published_at is None:
        initiative.published_at = utcnow()
    db.session.commit()
    signals.notify(signals.initiative_changed, initiative_id=initiative.id)


def get_initiative(initiative_id: int, user) -> Initiative:
    """An initiative the user may see (drafts only for owners and admins); else NotFound."""
    initiative = db.session.get(Initiative, initiative_id)
    if initiative is None or not initiative.is_visible_to(user):
        raise NotFound(_("Initiative not found."))
    return initiative


def initiative_id_for_slug(slug: str) -> int | None:
    return db.session.scalar(select(Initiative.id).where(Initiative.slug == slug))


def get_initiative_by_slug(slug: str, user) -> Initiative:
    initiative = db.session.scalar(select(Initiative).where(Initiative.slug == slug))
    if initiative is None or not initiative.is_visible_to(user):
        raise NotFound(_("Initiative not found."))
    return initiative


def search_initiatives(
    *,
    theme: str | None = None,
    municipality: str | None = None,
    q: str | None = None,
    page: int = 1,
    per_page: int = 12,
):
    """Published initiatives filtered by theme, municipality and free text, newest first."""
    query = select(Initiative).where(Initiative.status == InitiativeStatus.PUBLISHED)
    if theme:
        try:
            query = query.where(Initiative.theme == Theme(theme))
        except ValueError as exc:
            raise InvalidInput(_("Unknown theme."), {"theme": [_("Unknown theme.")]}) from exc
    if municipality:
        query = query.where(func.lower(Initiative.municipality) == municipality.strip().lower())
    if q:
        query = query.where(
            or_(
                contains_text(Initiative.name, q),
                contains_text(Initiative.summary, q),
                contains_text(Initiative.municipality, q),
            )
        )
    query = query.order_by(Initiative.published_at.desc(), Initiative.id.desc())
    return db.paginate(query, page=max(page, 1), per_page=per_page, error_out=False)


def municipalities_with_initiatives() -> list[str]:
    return list(
        db.session.scalars(
            select(Initiative.municipality)
            .where(Initiative.status == InitiativeStatus.PUBLISHED)
            .distinct()
            .order_by(Initiative.municipality)
        )
    )


def initiatives_owned_by(user: User) -> list[Initiative]:
    return list(
        db.session.scalars(
            select(Initiative)
            .where(Initiative.owners.any(User.id == user.id))
            .order_by(Initiative.name)
        )
    )
