"""Whole-page cache for anonymous visitors of the public pages, invalidated by versions.

A public page (initiative, list, exchange, methodology, ...) is the same for every anonymous
visitor in one language, except for the CSRF token of its forms (the give form). So the page is
rendered once with a placeholder token, stored (Flask-Caching: Redis when `CACHE_REDIS_URL` is
set, so all workers and hosts share it; in this process otherwise), and served to the next
visitors with their own token put in. Logged-in visitors, flashed messages and other methods
always get a fresh render.

Freshness does not rely on time alone: each cached page names the versions it depends on
(`"initiatives"`, `"exchange"`, `"initiative:42"`, ...), kept in the `page_versions` table that
every worker and host reads (one small query per request). The receivers of the named signals
bump them when the underlying facts change (`bump`), so a new gift shows on its initiative's page
at once while the other pages stay cached.

The same holds for public JSON answers of the API (an initiative's social return) asked without a
bearer token: they are cached with their media type.

Pages without a form are also marked `Cache-Control: public` with an ETag, so a proxy or CDN can
carry anonymous traffic; pages with a form are `private` (the token is per visitor).
"""

import hashlib
import time
from collections.abc import Callable, Iterable
from functools import wraps

from flask import g, make_response, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import Integer, String, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from marketplace import signals
from marketplace.db import without_waiting_for_disk
from marketplace.extensions import cache, db
from marketplace.i18n import babel_locale_name

TOKEN_PLACEHOLDER = "__impactbeurs_csrf_token__"  # noqa: S105 (not a secret: a marker)
PUBLIC_MAX_AGE = 60  # seconds a proxy may serve a page without asking again
CACHED_TYPES = ("text/html", "application/json")


class PageVersion(db.Model):
    """A counter per thing public pages depend on; a page is cached per version."""

    __tablename__ = "page_versions"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)


def bump(keys: Iterable[str]) -> None:
    """Make every page cached on these keys stale (its own transaction; the caller's is done)."""
    without_waiting_for_disk()
    for key in sorted(set(keys)):
        updated = db.session.execute(
            update(PageVersion)
            .where(PageVersion.key == key)
            .values(version=PageVersion.version + 1)
        )
        if updated.rowcount == 0:
            try:
                with db.session.begin_nested():
                    db.session.add(PageVersion(key=key, version=1))
            except IntegrityError:  # another worker created it meanwhile: count on theirs
                db.session.execute(
                    update(PageVersion)
                    .where(PageVersion.key == key)
                    .values(version=PageVersion.version + 1)
                )
    db.session.commit()
    _recent_versions.clear()  # this process sees its own change at once; others within a second


# Versions read in the last second, per process: a page served a thousand times a second asks
# the database once a second, and a change shows within a second everywhere.
VERSION_TTL = 1.0
_recent_versions: dict[tuple[str, ...], tuple[float, str]] = {}


def versions(keys: list[str]) -> str:
    """The current versions of `keys` as one string (part of the cache key)."""
    wanted = tuple(keys)
    now = time.monotonic()
    recent = _recent_versions.get(wanted)
    if recent is not None and now - recent[0] < VERSION_TTL:
        return recent[1]
    rows = dict(
        db.session.execute(select(PageVersion.key, PageVersion.version).where(
            PageVersion.key.in_(keys)
        )).all()
    )  # fmt: skip
    stamp = ",".join(f"{key}={rows.get(key, 0)}" for key in keys)
    if len(_recent_versions) > 10_000:
        _recent_versions.clear()
    _recent_versions[wanted] = (now, stamp)
    return stamp


def _cacheable() -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not current_user.is_authenticated
        and "Authorization" not in request.headers
        and "_flashes" not in session
    )


def do_not_cache() -> None:
    """This answer is a stopgap (e.g. made without a service that was down): serve it, keep
    nothing, so the next visitor gets a fresh one."""
    g.page_not_cacheable = True


def _serve(mimetype: str, body: str, etag: str, cacheable: bool = True):
    if not cacheable or TOKEN_PLACEHOLDER in body:
        response = make_response(body.replace(TOKEN_PLACEHOLDER, generate_csrf()))
        response.mimetype = mimetype
        response.headers["Cache-Control"] = "private, no-cache"
        return response
    response = make_response(body)
    response.mimetype = mimetype
    response.set_etag(etag)
    response.headers["Cache-Control"] = f"public, max-age={PUBLIC_MAX_AGE}"
    response.vary.add("Cookie")
    return response.make_conditional(request)


def cached_page(depends_on: Callable[..., list[str]]):
    """Cache a view's page for anonymous visitors, per language, URL and the versions
    `depends_on(**view_args)` names."""

    def decorate(view):
        @wraps(view)
        def wrapper(**view_args):
            if not _cacheable():
                return view(**view_args)
            stamp = versions(depends_on(**view_args))
            key = f"page:{babel_locale_name()}:{request.full_path}:{stamp}"
            etag = hashlib.sha256(key.encode()).hexdigest()[:32]
            cached = cache.get(key)
            if cached is None:
                g.csrf_token = TOKEN_PLACEHOLDER  # forms render the placeholder
                response = make_response(view(**view_args))
                del g.csrf_token
                if response.status_code != 200 or response.mimetype not in CACHED_TYPES:
                    return response
                cached = (response.mimetype, response.get_data(as_text=True))
                if g.pop("page_not_cacheable", False):
                    return _serve(*cached, etag, cacheable=False)
                cache.set(key, cached)
            return _serve(*cached, etag)

        return wrapper

    return decorate


def connect() -> None:
    """Bump the versions whose facts a named signal says changed."""
    signals.figures_changed.connect(_on_figures_changed)
    signals.initiative_changed.connect(_on_initiative_changed)
    signals.exchange_refreshed.connect(_on_exchange_refreshed)
    signals.catalog_changed.connect(_on_catalog_changed)


def _on_figures_changed(sender, *, initiative_ids, **_facts) -> None:
    bump(f"initiative:{i}" for i in initiative_ids)


def _on_initiative_changed(sender, *, initiative_id: int, **_facts) -> None:
    bump([f"initiative:{initiative_id}", "initiatives"])


def _on_exchange_refreshed(sender, **_facts) -> None:
    bump(["exchange"])


def _on_catalog_changed(sender, **_facts) -> None:
    bump(["catalog"])
