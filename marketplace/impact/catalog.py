"""The metric catalog: seeding from the shipped CSV, admin changes, versioned proxies."""

import csv
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from flask_babel import gettext as _
from sqlalchemy import select

from marketplace import signals
from marketplace.errors import InvalidInput, NotFound
from marketplace.extensions import db
from marketplace.impact.models import (
    FILTER_FIELDS,
    Metric,
    MetricProxy,
    OutcomeReportValue,
    ValueKind,
)
from marketplace.impact.parsing import (
    ParseError,
    amsterdam_today,
    parse_date,
    parse_duration,
    parse_fraction,
    parse_proxy,
    parse_year,
)
from marketplace.impact.review import revalue_unvalued_lines
from marketplace.initiatives.models import Theme

# Shipped seed data (a copy of the research catalog); the app never reads outside its package.
CATALOG_CSV = Path(__file__).resolve().parent.parent / "data" / "metrics.csv"
CODE_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789_")
METRIC_TEXT = {"name_nl": 200, "name_en": 200, "unit": 40, "iris_id": 20}
PROXY_FIELDS = ("proxy_value", "price_year", "basis", "source_title", "source_url", "valid_from")


def list_metrics(theme: str | None = None, include_inactive: bool = False) -> list[Metric]:
    query = select(Metric).order_by(Metric.theme, Metric.code)
    if theme:
        try:
            query = query.where(Metric.theme == Theme(theme))
        except ValueError as exc:
            raise InvalidInput(_("Unknown theme."), {"theme": ["unknown"]}) from exc
    if not include_inactive:
        query = query.where(Metric.active.is_(True))
    return list(db.session.scalars(query).unique())


def get_metric(code: str) -> Metric:
    metric = db.session.scalar(select(Metric).where(Metric.code == code))
    if metric is None:
        raise NotFound(_("Metric not found."))
    return metric


def _clean_metric(data: dict, current: Metric | None) -> dict:
    """Validate metric fields (not the proxy); InvalidInput lists every problem."""
    errors: dict[str, list[str]] = {}
    clean: dict = {}

    def fail(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if current is None:
        code = str(data.get("code") or "").strip()
        if not code or not set(code) <= CODE_CHARS or len(code) > 64:
            fail("code", _("Use lowercase letters, digits and underscores."))
        elif db.session.scalar(select(Metric.id).where(Metric.code == code)):
            fail("code", _("Already in use."))
        clean["code"] = code
        for field in ("theme", "name_nl", "name_en", "unit", "value_kind"):
            if not str(data.get(field) or "").strip():
                fail(field, _("This field is required."))
    for field, limit in METRIC_TEXT.items():
        if field in data:
            value = str(data[field] or "").strip()
            if len(value) > limit:
                fail(field, _("At most %(n)d characters.", n=limit))
            elif field != "iris_id" and not value:
                fail(field, _("This field is required."))
            clean[field] = value
    if data.get("theme"):
        try:
            clean["theme"] = Theme(data["theme"])
        except ValueError:
            fail("theme", _("Choose one of: %(themes)s.", themes=", ".join(t.value for t in Theme)))
    if data.get("value_kind"):
        try:
            clean["value_kind"] = ValueKind(data["value_kind"])
        except ValueError:
            fail(
                "value_kind",
                _("Choose one of: %(kinds)s.", kinds=", ".join(k.value for k in ValueKind)),
            )
    for name in FILTER_FIELDS:
        field = f"default_{name}"
        if data.get(field) not in (None, ""):
            try:
                clean[field] = parse_fraction(data[field])
            except ParseError as error:
                fail(field, str(error))
    if data.get("default_duration_years") not in (None, ""):
        try:
            clean["default_duration_years"] = parse_duration(data["default_duration_years"])
        except ParseError as error:
            fail("default_duration_years", str(error))
    if "active" in data:
        clean["active"] = data["active"] in (True, "true", "1", "on", "y", 1)
    if errors:
        raise InvalidInput(_("Please correct the marked fields."), errors)
    return clean


def _clean_proxy(data: dict, base: MetricProxy | None) -> dict:
    """Proxy version fields; what is not given is carried over from `base` (the current one)."""
    errors: dict[str, list[str]] = {}
    clean = {
        "value": base.value if base else None,
        "price_year": base.price_year if base else None,
        "basis": base.basis if base else "",
        "source_title": base.source_title if base else "",
        "source_url": base.source_url if base else "",
        "valid_from": amsterdam_today(),
    }
    if "proxy_value" in data:
        if data["proxy_value"] in (None, ""):
            clean["value"] = None
        else:
            try:
                clean["value"] = parse_proxy(data["proxy_value"])
            except ParseError as error:
                errors["proxy_value"] = [str(error)]
    if "price_year" in data:
        try:
            clean["price_year"] = parse_year(data["price_year"])
        except ParseError as error:
            errors["price_year"] = [str(error)]
    for field, limit in (("basis", 2000), ("source_title", 2000), ("source_url", 500)):
        if field in data:
            value = str(data[field] or "").strip()
            if len(value) > limit:
                errors[field] = [_("At most %(n)d characters.", n=limit)]
            clean[field] = value
    if clean["source_url"]:
        parts = urlsplit(clean["source_url"])
        if parts.scheme not in ("http", "https") or not parts.netloc:
            errors["source_url"] = [_("Enter a web address starting with https://.")]
    if data.get("valid_from") not in (None, ""):
        try:
            clean["valid_from"] = parse_date(data["valid_from"])
        except ParseError as error:
            errors["valid_from"] = [str(error)]
    if clean["value"] is not None and not clean["source_title"]:
        errors.setdefault("source_title", []).append(_("A proxy needs its source."))
    if errors:
        raise InvalidInput(_("Please correct the marked fields."), errors)
    return clean


def create_metric(data: dict, user=None) -> Metric:
    """A new catalog metric, with its first proxy version when a proxy or source is given."""
    clean = _clean_metric(data, None)
    metric = Metric(**clean)
    db.session.add(metric)
    proxy_data = {k: v for k, v in data.items() if k in PROXY_FIELDS}
    if proxy_data:
        proxy = MetricProxy(**_clean_proxy(proxy_data, None))
        proxy.created_by_id = getattr(user, "id", None)
        metric.proxies.append(proxy)
    db.session.commit()
    signals.notify(signals.catalog_changed, metric_code=metric.code)
    return metric


def update_metric(metric: Metric, data: dict, user=None) -> Metric:
    """Change a metric; proxy fields add a new proxy version, valid from `valid_from` (or today).

    Existing versions are never edited, so valuations that used them stay reproducible.
    """
    metric_data = {k: v for k, v in data.items() if k not in PROXY_FIELDS and k != "code"}
    proxy_data = {k: v for k, v in data.items() if k in PROXY_FIELDS}
    clean = _clean_metric(metric_data, metric)
    new_proxy = None
    if proxy_data:
        new_proxy = _new_proxy_version(metric, proxy_data, user)
    for field, value in clean.items():
        setattr(metric, field, value)
    db.session.commit()
    signals.notify(signals.catalog_changed, metric_code=metric.code)
    if new_proxy is not None and new_proxy.value is not None:
        revalue_unvalued_lines(metric, user)
    return metric


def add_proxy_version(metric: Metric, data: dict, user=None) -> MetricProxy:
    """Record a new proxy version for a metric (admin)."""
    proxy = _new_proxy_version(metric, data, user)
    db.session.commit()
    signals.notify(signals.catalog_changed, metric_code=metric.code)
    if proxy.value is not None:
        revalue_unvalued_lines(metric, user)
    return proxy


def _new_proxy_version(metric: Metric, data: dict, user) -> MetricProxy:
    clean = _clean_proxy(data, metric.current_proxy)
    existing = next((p for p in metric.proxies if p.valid_from == clean["valid_from"]), None)
    if existing is not None:
        used = db.session.scalar(
            select(OutcomeReportValue.id).where(OutcomeReportValue.proxy_id == existing.id)
        )
        if used is not None:
            raise InvalidInput(
                _("A proxy version valid from this date is already used; pick another date."),
                {"valid_from": [_("Already has a version that valued reports.")]},
            )
        # Same day, not used yet: correct that version instead of stacking versions.
        for field, value in clean.items():
            setattr(existing, field, value)
        return existing
    proxy = MetricProxy(**clean, created_by_id=getattr(user, "id", None))
    metric.proxies.append(proxy)
    db.session.flush()
    return proxy


def import_catalog(path: Path | None = None, valid_from: date | None = None) -> dict:
    """Seed or update the catalog from the shipped CSV; running it twice changes nothing.

    New metrics are created; for existing ones names, unit, theme and default filters follow the
    CSV, and a changed proxy (value, price year, basis or source) becomes a new version valid from
    `valid_from` (today by default).
    """
    path = path or CATALOG_CSV
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    counts = {"created": 0, "updated": 0, "proxies": 0, "unchanged": 0}
    for row in rows:
        data = {
            "code": row["code"].strip(),
            "theme": row["theme"].strip(),
            "name_nl": row["name_nl"],
            "name_en": row["name_en"],
            "unit": row["unit"],
            "iris_id": row.get("iris_id") or "",
            "value_kind": row["value_kind"].strip(),
            "default_deadweight": row["default_deadweight"] or "0",
            "default_displacement": row["default_displacement"] or "0",
            "default_attribution": row["default_attribution"] or "0",
            "default_drop_off": row["default_drop_off"] or "0",
            "default_duration_years": row["default_duration_years"] or "1",
        }
        proxy = {
            "proxy_value": row["proxy_eur"] or None,
            "price_year": row["price_year"] or None,
            "basis": row["proxy_basis"],
            "source_title": row["source_title"],
            "source_url": row["source_url"],
        }
        if valid_from:
            proxy["valid_from"] = valid_from
        metric = db.session.scalar(select(Metric).where(Metric.code == data["code"]))
        if metric is None:
            create_metric({**data, **proxy})
            counts["created"] += 1
            counts["proxies"] += 1
            continue
        clean = _clean_metric({k: v for k, v in data.items() if k != "code"}, metric)
        changed = {k: v for k, v in clean.items() if getattr(metric, k) != v}
        current = metric.current_proxy
        wanted = _clean_proxy(proxy, None)
        proxy_changed = current is None or any(
            getattr(current, field) != wanted[field]
            for field in ("value", "price_year", "basis", "source_title", "source_url")
        )
        if changed or proxy_changed:
            update_metric(metric, {**changed, **(proxy if proxy_changed else {})})
            counts["updated"] += 1
            counts["proxies"] += int(proxy_changed)
        else:
            counts["unchanged"] += 1
    return counts
