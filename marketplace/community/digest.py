"""The digest: a daily or weekly e-mail of a person's feed (opt-in), through the mail outbox.

Each person gets at most one digest per period ("2026-11-30", or the ISO week "2026-W48"): the
`digest_sends` row and the outbox row are written in one transaction, and the unique key on
(person, period) lets only one of two concurrent runs write them. Every digest carries a signed
one-click unsubscribe link (RFC 2369 / RFC 8058 headers too).
"""

from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from marketplace.accounts.models import User
from marketplace.community.feed import merged_items, scope_for
from marketplace.community.models import DigestCadence, DigestSend, FeedSettings
from marketplace.community.preferences import stop_digest
from marketplace.errors import NotFound
from marketplace.extensions import db
from marketplace.mail.outbox import queue_mail
from marketplace.mail.transport import Mail
from marketplace.timeutil import to_amsterdam, utcnow

DIGEST_ITEMS = 20
WINDOWS = {DigestCadence.DAILY: timedelta(days=1), DigestCadence.WEEKLY: timedelta(days=7)}


def period_of(cadence: DigestCadence, now: datetime) -> str:
    """The period a digest at `now` belongs to, in Amsterdam time."""
    local = to_amsterdam(now)
    if cadence == DigestCadence.WEEKLY:
        year, week, _day = local.isocalendar()
        return f"{year}-W{week:02d}"
    return local.date().isoformat()


def external_url(endpoint: str, **values) -> str:
    """An absolute link under PUBLIC_BASE_URL (no request needed)."""
    base = urlsplit(current_app.config["PUBLIC_BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme
    )
    return adapter.build(endpoint, values, force_external=True)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="community-digest")


def unsubscribe_url(user: User) -> str:
    return external_url("community.unsubscribe", token=_serializer().dumps({"u": user.id}))


def user_for_token(token: str) -> User:
    """The person a signed unsubscribe token names; NotFound when tampered with or gone."""
    try:
        user = db.session.get(User, int(_serializer().loads(token)["u"]))
    except (BadSignature, KeyError, TypeError, ValueError):
        user = None
    if user is None or user.erased_at is not None:
        raise NotFound(_("This unsubscribe link is not valid."))
    return user


def unsubscribe(token: str) -> User:
    user = user_for_token(token)
    stop_digest(user)
    return user


def _digest_mail(user: User, items, cadence: DigestCadence) -> Mail:
    language = user.locale if user.locale in ("nl", "en") else "nl"
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    context = {
        "name": user.name,
        "items": items,
        "base": base,
        "feed_url": external_url("community.feed"),
        "unsubscribe_url": unsubscribe_url(user),
        "weekly": cadence == DigestCadence.WEEKLY,
    }
    with force_locale(language):
        subject = _("Your weekly news") if context["weekly"] else _("Your news of today")
        text = render_template("community/mail/digest.txt", **context)
        html = render_template("community/mail/digest.html", **context)
    headers = {
        "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    return Mail(to=user.email, subject=subject, text=text, html=html, headers=headers)


def send_digest(user: User, cadence: DigestCadence, now: datetime) -> bool:
    """Queue this period's digest for one person, once; False when sent already or empty."""
    period = period_of(cadence, now)
    since = now - WINDOWS[cadence]
    items = [i for i in merged_items(scope_for(user, None, DIGEST_ITEMS)) if i.published_at > since]
    if not items:
        return False
    try:
        with db.session.begin_nested():
            db.session.add(DigestSend(user_id=user.id, period=period, items=len(items)))
    except IntegrityError:
        return False  # another run sent this period's digest
    queue_mail(_digest_mail(user, items, cadence), key=f"digest:{user.id}:{period}")
    db.session.commit()
    return True


def send_digests(now: datetime | None = None) -> int:
    """The `community-digest` job: queue the due digests; returns how many were queued."""
    now = now or utcnow()
    rows = db.session.execute(
        select(User, FeedSettings.digest)
        .join(FeedSettings, FeedSettings.user_id == User.id)
        .where(FeedSettings.digest != DigestCadence.OFF, User.erased_at.is_(None))
        .order_by(User.id)
    ).all()
    sent = 0
    for user, cadence in rows:
        if send_digest(user, DigestCadence(cadence), now):
            sent += 1
    return sent
