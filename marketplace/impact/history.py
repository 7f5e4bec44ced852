"""An outcome report's history as people read it: "Status: Awaiting review → Accepted",
"Vermeden huisartsconsult: 10 → 12 consult", never the stored JSON or metric codes. The events
keep their changes as data ({field: [old, new]}); this turns them into translated lines."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.i18n import babel_locale_name
from marketplace.impact.models import (
    FILTER_FIELDS,
    Metric,
    OutcomeReport,
    ReportPeriod,
    ReportStatus,
)
from marketplace.money import format_euros
from marketplace.numbers import format_quantity, format_share_percent

ACTION_LABELS = {
    "created": _l("Created"),
    "updated": _l("Changed"),
    "imported": _l("Imported from CSV"),
    "submitted": _l("Submitted for review"),
    "withdrawn": _l("Withdrawn"),
    "accepted": _l("Accepted"),
    "rejected": _l("Rejected"),
    "revalued": _l("Revalued with a new proxy version"),
}
FIELD_LABELS = {
    "status": _l("Status"),
    "period": _l("Period"),
    "period_start": _l("Start of the period"),
    "period_end": _l("End of the period"),
    "evidence_url": _l("Evidence link"),
    "evidence_file": _l("Evidence file"),
    "note": _l("Note"),
    "evidence_level": _l("Evidence level"),
    "reason": _l("Reason"),
}
FILTER_LABELS = {
    "deadweight": _l("deadweight"),
    "displacement": _l("displacement"),
    "attribution": _l("attribution"),
    "drop_off": _l("drop-off"),
}
ARROW = " → "


@dataclass
class HistoryLine:
    when: datetime
    who: str
    what: str
    details: list[str]


def report_history(report: OutcomeReport) -> list[HistoryLine]:
    """Every event of the report, oldest first, with its changes in words."""
    codes = set()
    for event in report.events:
        codes |= set((event.changes or {}).get("values", {}))
        codes |= set((event.changes or {}).get("valuation", {}))
        if (event.changes or {}).get("metric"):
            codes.add(event.changes["metric"])
    metrics = {m.code: m for m in db.session.scalars(select(Metric).where(Metric.code.in_(codes)))}
    return [
        HistoryLine(
            when=event.created_at,
            who=event.user.name if event.user else "–",
            what=str(ACTION_LABELS.get(event.action, event.action)),
            details=_details(event.changes or {}, metrics),
        )
        for event in report.events
    ]


def _details(changes: dict, metrics: dict) -> list[str]:
    lines = []
    for key, value in changes.items():
        if key == "values":
            lines += [_quantity_line(code, pair, metrics) for code, pair in value.items()]
        elif key == "valuation":
            lines += [_valuation_line(code, frozen, metrics) for code, frozen in value.items()]
        elif key == "metric":
            lines.append(_("Metric: %(name)s", name=_metric_name(value, metrics)))
        elif key == "proxy_id":
            continue  # said by the action ("revalued"); ids mean nothing to people
        elif key in FIELD_LABELS:
            lines.append(f"{FIELD_LABELS[key]}: {_change(key, value)}")
    return lines


def _change(key: str, value) -> str:
    if isinstance(value, list) and len(value) == 2:
        return _show(key, value[0]) + ARROW + _show(key, value[1])
    return _show(key, value)


def _show(key: str, value) -> str:
    if value is None or value == "":
        return "–"
    if key == "status" and value in ReportStatus._value2member_map_:
        return ReportStatus(value).label
    if key == "period" and value in ReportPeriod._value2member_map_:
        return ReportPeriod(value).label
    if key in ("period_start", "period_end"):
        try:
            return format_date(date.fromisoformat(str(value)), "medium")
        except ValueError:
            return str(value)
    return str(value)


def _metric_name(code: str, metrics: dict) -> str:
    metric = metrics.get(code)
    return metric.name if metric else code


def _number(text) -> str:
    try:
        return format_quantity(Decimal(str(text)), locale=babel_locale_name())
    except (InvalidOperation, ValueError):
        return "–"


def _quantity_line(code: str, pair, metrics: dict) -> str:
    old, new = (pair + [None, None])[:2] if isinstance(pair, list) else (None, pair)
    metric = metrics.get(code)
    unit = f" {metric.unit_label}" if metric else ""
    show = [_number(v) if v is not None else "–" for v in (old, new)]
    return f"{_metric_name(code, metrics)}: {show[0]}{ARROW}{show[1]}{unit}"


def _valuation_line(code: str, frozen: dict, metrics: dict) -> str:
    locale = babel_locale_name()
    proxy = frozen.get("proxy")
    value = (
        format_euros(Decimal(proxy), locale=locale) if proxy is not None else _("no sourced proxy")
    )
    filters = ", ".join(
        f"{FILTER_LABELS[name]} " + format_share_percent(Decimal(frozen[name]), locale=locale)
        for name in FILTER_FIELDS
        if name in frozen and name in FILTER_LABELS
    )
    return _(
        "%(metric)s valued at %(proxy)s per unit (%(filters)s)",
        metric=_metric_name(code, metrics),
        proxy=value,
        filters=filters,
    )
