"""A person's feed settings: a postcode and a radius the feed also looks within, and the digest."""

from decimal import Decimal

from flask_babel import gettext as _

from marketplace.accounts.models import User
from marketplace.community.models import DigestCadence, FeedSettings
from marketplace.errors import InvalidInput
from marketplace.extensions import db
from marketplace.geo import POSTCODE, locate

RADIUS_CHOICES = (0, 2, 5, 10, 25, 50)


def settings_of(user: User) -> FeedSettings:
    """The saved settings (unsaved defaults when none yet)."""
    return db.session.get(FeedSettings, user.id) or FeedSettings(
        user_id=user.id, postcode="", radius_km=0, digest=DigestCadence.OFF
    )


def _invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, {field: [message]})


def save_settings(user: User, postcode: str, radius_km, digest: str) -> FeedSettings:
    """Save the postcode (placed with the geocoder, or its offline table), radius and digest."""
    try:
        cadence = DigestCadence(digest)
    except ValueError:
        raise _invalid("digest", _("Choose daily, weekly or no digest.")) from None
    try:
        radius = int(radius_km or 0)
    except (TypeError, ValueError):
        radius = -1
    if radius not in RADIUS_CHOICES:
        raise _invalid("radius_km", _("Choose one of the radii offered."))
    text = " ".join((postcode or "").split()).upper()
    settings = settings_of(user)
    if text and not POSTCODE.match(text):
        raise _invalid("postcode", _("Enter a Dutch postcode, e.g. 3511 AB."))
    if text and text != settings.postcode:
        place = locate(text)
        if place is None:
            raise _invalid("postcode", _("We could not find this postcode."))
        settings.latitude = Decimal(str(round(place.latitude, 6)))
        settings.longitude = Decimal(str(round(place.longitude, 6)))
    if not text:
        settings.latitude = settings.longitude = None
    settings.postcode = text[:7]
    settings.radius_km = radius
    settings.digest = cadence
    db.session.add(settings)
    db.session.commit()
    return settings


def stop_digest(user: User) -> None:
    """No more digests (the unsubscribe link); idempotent."""
    settings = settings_of(user)
    settings.digest = DigestCadence.OFF
    db.session.add(settings)
    db.session.commit()
