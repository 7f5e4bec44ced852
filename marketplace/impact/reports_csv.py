"""Outcome reports from a CSV file: every row checked first, nothing saved when any row is wrong.

One row per (period, metric); rows with the same period_start and period_end form one report.
"""

import csv
import io

from flask_babel import gettext as _

from marketplace.errors import InvalidInput
from marketplace.extensions import db
from marketplace.impact import access, declarations, reports
from marketplace.impact.models import OutcomeReport, ReportPeriod, ReportStatus
from marketplace.impact.parsing import amsterdam_today
from marketplace.initiatives.models import Initiative

COLUMNS = ("period_start", "period_end", "metric", "quantity", "evidence_url", "note")
REQUIRED_COLUMNS = ("period_start", "period_end", "metric", "quantity")
CSV_MAX_BYTES = 1024 * 1024
MAX_ROWS = 2000


def template_csv(initiative: Initiative) -> str:
    """A header plus one example row per declared metric for the last complete quarter."""
    from datetime import date

    today = amsterdam_today()
    quarter_start_month = ((today.month - 1) // 3) * 3 + 1
    index = today.year * 12 + quarter_start_month - 1 - 3
    start = date(index // 12, index % 12 + 1, 1)
    end = reports.period_end_for(ReportPeriod.QUARTER, start)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for outcome in declarations.declared_outcomes(initiative):
        writer.writerow([start.isoformat(), end.isoformat(), outcome.metric.code, "0", "", ""])
    return out.getvalue()


def _read_rows(stream) -> list[dict]:
    data = stream.read(CSV_MAX_BYTES + 1)
    if len(data) > CSV_MAX_BYTES:
        raise InvalidInput(_("The CSV file is larger than 1 MB."), {"file": ["too large"]})
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(_("Save the CSV file as UTF-8."), {"file": ["not utf-8"]}) from exc
    sample = text[:2048]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [name.strip() for name in (reader.fieldnames or [])]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise InvalidInput(
            _("The CSV file misses the columns: %(columns)s.", columns=", ".join(missing)),
            {"file": [_("missing columns")]},
        )
    reader.fieldnames = header
    rows = []
    for row in reader:
        if not any((value or "").strip() for value in row.values() if isinstance(value, str)):
            continue
        rows.append({k: (v or "").strip() if isinstance(v, str) else "" for k, v in row.items()})
        if len(rows) > MAX_ROWS:
            raise InvalidInput(
                _("At most %(n)d rows per file.", n=MAX_ROWS), {"file": ["too many rows"]}
            )
    if not rows:
        raise InvalidInput(_("The CSV file has no rows."), {"file": ["empty"]})
    return rows


def _group_by_period(rows: list[dict]) -> dict[tuple[str, str], dict]:
    """The file's rows per (period_start, period_end), with spreadsheet row numbers (header 1)."""
    groups: dict[tuple[str, str], dict] = {}
    for number, row in enumerate(rows, start=2):
        key = (row.get("period_start", ""), row.get("period_end", ""))
        group = groups.setdefault(
            key,
            {"rows": [], "values": [], "evidence_url": "", "note": "", "first": number},
        )
        group["rows"].append(number)
        group["values"].append({"metric": row.get("metric", ""), "quantity": row.get("quantity")})
        group["evidence_url"] = group["evidence_url"] or row.get("evidence_url", "")
        group["note"] = group["note"] or row.get("note", "")
    return groups


def _row_errors(group: dict, error: InvalidInput) -> list[str]:
    """A report's field errors as messages naming the spreadsheet rows they come from."""
    messages = []
    item_errors = getattr(error, "item_errors", {})
    for index, problems in sorted(item_errors.items()):
        for problem in problems:
            messages.append(
                _("Row %(row)d: %(message)s", row=group["rows"][index], message=problem)
            )
    for field, problems in error.errors.items():
        if field == "values" and item_errors:
            continue
        for problem in problems:
            messages.append(
                _("Row %(row)d (%(field)s): %(message)s",
                  row=group["first"], field=field, message=problem)
            )  # fmt: skip
    return messages


def _clean_groups(initiative, groups: dict, submit: bool) -> tuple[list, list[str]]:
    """Each period's report validated, in period order, and the row errors of all of them."""
    row_errors: list[str] = []
    cleaned = []
    for (start, end), group in groups.items():
        data = {
            "period_start": start,
            "period_end": end,
            "values": group["values"],
            "evidence_url": group["evidence_url"],
            "note": group["note"],
        }
        try:
            clean = reports.clean_report(initiative, data, None)
        except InvalidInput as error:
            row_errors.extend(_row_errors(group, error))
            continue
        if submit and not clean.get("evidence_url"):
            row_errors.append(
                _("Row %(row)d: add an evidence_url to submit this report.", row=group["first"])
            )
        cleaned.append((group, clean))
    ordered = sorted(cleaned, key=lambda item: item[1]["period_start"])
    for (_g1, first), (group, second) in zip(ordered, ordered[1:], strict=False):
        if second["period_start"] <= first["period_end"]:
            row_errors.append(
                _("Row %(row)d: this period overlaps another period in the file.",
                  row=group["first"])
            )  # fmt: skip
    return ordered, row_errors


def import_reports_csv(
    initiative: Initiative, user, stream, submit: bool = False
) -> list[OutcomeReport]:
    """Create one report per period in the file; InvalidInput lists row-level errors ("rows")."""
    access.require_owner(initiative, user)
    ordered, row_errors = _clean_groups(initiative, _group_by_period(_read_rows(stream)), submit)
    if row_errors:
        raise InvalidInput(
            _("Nothing was imported: correct these rows and upload the file again."),
            {"rows": row_errors},
        )

    with access.rollback_on_error():
        return _create_all(initiative, user, ordered, submit)


def _create_all(initiative, user, ordered, submit) -> list[OutcomeReport]:
    created = []
    for _group, clean in ordered:
        report = OutcomeReport(
            initiative_id=initiative.id,
            initiative=initiative,
            status=ReportStatus.DRAFT,
            created_by_id=user.id,
        )
        changes = reports.apply_report_fields(report, clean)
        db.session.add(report)
        reports.record_event(report, user, "imported", changes)
        if submit:
            reports.submit(report, user)
        created.append(report)
    db.session.commit()
    return created
