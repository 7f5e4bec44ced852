"""What each person wants to receive (cadence, reminders, language) and one-click unsubscribe.

Unsubscribe links carry a signed, non-expiring token naming the user and what to stop; every
report and reminder mail has RFC 2369 / RFC 8058 headers pointing at it.
"""

from collections.abc import Iterable

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.errors import InvalidInput, NotFound
from marketplace.extensions import db
from marketplace.reporting.builder import external_url
from marketplace.reporting.models import Cadence, ReportPreference

LANGUAGES = ("nl", "en")
# Users per preferences query: a run reads the preferences of every recipient, and one IN list of
# them all would exceed PostgreSQL's 65,535 bound parameters at a hundred thousand funders.
PREFERENCE_BATCH = 1000


def preference_for(user: User) -> ReportPreference:
    """The user's preference row (unsaved defaults when none yet)."""
    found = db.session.scalar(select(ReportPreference).where(ReportPreference.user_id == user.id))
    return found or ReportPreference(
        user_id=user.id, cadence=Cadence.MONTHLY, reminders=True, pdf_attached=False
    )


def preferences_of(user_ids: Iterable[int]) -> dict[int, ReportPreference]:
    """The saved preferences of these users by user id (absent: the defaults), in fixed batches."""
    ids = sorted(set(user_ids))
    found: dict[int, ReportPreference] = {}
    for start in range(0, len(ids), PREFERENCE_BATCH):
        batch = ids[start : start + PREFERENCE_BATCH]
        for preference in db.session.scalars(
            select(ReportPreference).where(ReportPreference.user_id.in_(batch))
        ):
            found[preference.user_id] = preference
    return found


def update_preference(
    user: User, cadence: str, reminders: bool, pdf_attached: bool | None = None
) -> ReportPreference:
    """Save how often the user gets reports, whether reminders, and PDF attached or linked."""
    try:
        chosen = Cadence(cadence)
    except ValueError:
        message = _("Choose monthly, quarterly or off.")
        raise InvalidInput(message, {"cadence": [message]}) from None
    preference = preference_for(user)
    preference.cadence = chosen
    preference.reminders = bool(reminders)
    if pdf_attached is not None:
        preference.pdf_attached = bool(pdf_attached)
    db.session.add(preference)
    db.session.commit()
    return preference


def recipient_language(user: User) -> str:
    """The language of the user's mails and reports (Dutch unless they chose English)."""
    return user.locale if user.locale in LANGUAGES else "nl"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="reporting-unsubscribe")


def unsubscribe_token(user: User, kind: str = "reports") -> str:
    """A signed, non-expiring token naming the user and what to stop (reports | reminders)."""
    return _serializer().dumps({"u": user.id, "k": kind})


def unsubscribe_url(user: User, kind: str = "reports") -> str:
    """The absolute unsubscribe link for mails (no request context needed)."""
    return external_url("reporting.unsubscribe", token=unsubscribe_token(user, kind))


def unsubscribe_headers(user: User, kind: str = "reports") -> dict[str, str]:
    """RFC 2369 + RFC 8058 one-click unsubscribe headers."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(user, kind)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def user_for_unsubscribe(token: str) -> tuple[User, str]:
    """The user and kind a token names; NotFound when it is tampered with or the user is gone."""
    try:
        data = _serializer().loads(token)
        user = db.session.get(User, int(data["u"]))
        kind = data["k"]
    except (BadSignature, KeyError, TypeError, ValueError):
        user, kind = None, ""
    if user is None or kind not in ("reports", "reminders"):
        raise NotFound(_("This unsubscribe link is not valid."))
    return user, kind


def unsubscribe(token: str) -> tuple[User, str]:
    """Stop reports (or reminders) for the token's user; idempotent."""
    user, kind = user_for_unsubscribe(token)
    preference = preference_for(user)
    if kind == "reports":
        preference.cadence = Cadence.OFF
    else:
        preference.reminders = False
    db.session.add(preference)
    db.session.commit()
    return user, kind
