"""A monthly statement as CSV (for the initiative's bookkeeping) and as PDF (WeasyPrint).

CSV amounts are decimal strings ("25.00") with a currency column, dates Europe/Amsterdam ISO; the
transactions come first, then the summary (one `summary` row per total).
"""

import csv
import io
import threading

from flask import render_template
from flask_babel import lazy_gettext as _l

from marketplace.money import format_cents
from marketplace.settlement.statements import Statement
from marketplace.timeutil import to_amsterdam, utcnow

PDF_LINES = 300  # WeasyPrint lays out a table row in ~15 ms: longer months are in the CSV
LINE_LABELS = {
    "payment": _l("Payment (gift and tip)"),
    "tip": _l("Tip for the platform"),
    "fee": _l("Platform fee"),
    "refund": _l("Refund"),
    "refund_reversed": _l("Refund undone"),
    "chargeback": _l("Chargeback"),
    "chargeback_reversed": _l("Chargeback reversed"),
    "platform_refund": _l("Part of a refund carried by the platform's fee and tip"),
    "platform_refund_rev": _l("Carried part of a refund undone"),
    "investment": _l("Funded investment"),
}
SUMMARY = (
    ("gifts", _l("Gifts")),
    ("tips", _l("Tips for the platform (not yours)")),
    ("fees", _l("Platform fees")),
    ("refunds", _l("Refunds")),
    ("chargebacks", _l("Chargebacks")),
    ("platform_back", _l("Carried by the platform's fee and tip")),
    ("net_gifts", _l("Net from gifts")),
    ("investments", _l("Funded investments")),
    ("held_start", _l("Held by the platform at the start of the month")),
    ("received", _l("Received for you")),
    ("paid_direct", _l("Paid directly into (or out of) your account")),
    ("transferred", _l("Transferred to your account by the platform")),
    ("held_end", _l("Held by the platform at the end of the month")),
)
# WeasyPrint's font state is shared per process and not thread-safe (see reporting/pdf.py).
_pdf_lock = threading.Lock()


def summary_rows(statement: Statement) -> list[tuple[str, str, int]]:
    """(key, label, cents) of the statement's totals, in reading order."""
    return [(key, str(label), getattr(statement, key)) for key, label in SUMMARY]


def line_label(kind: str) -> str:
    return str(LINE_LABELS.get(kind, kind))


def statement_csv(statement: Statement) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["date", "type", "description", "reference", "amount", "platform", "initiative", "currency"]
    )
    for line in statement.lines:
        writer.writerow([
            to_amsterdam(line.at).isoformat(timespec="seconds"), line.kind, line_label(line.kind),
            line.reference, format_cents(line.amount), format_cents(line.platform),
            format_cents(line.cents), statement.currency,
        ])  # fmt: skip
    for transfer in statement.transfers:
        writer.writerow([
            to_amsterdam(transfer.created_at).isoformat(timespec="seconds"), "transfer",
            str(transfer.status.label), transfer.provider_reference or f"#{transfer.id}",
            format_cents(transfer.amount_cents), "", "", transfer.currency,
        ])  # fmt: skip
    writer.writerow([])
    for key, label, cents in summary_rows(statement):
        writer.writerow(
            ["", "summary", label, key, format_cents(cents), "", "", statement.currency]
        )
    return out.getvalue()


def statement_pdf(statement: Statement) -> bytes:
    from weasyprint import HTML

    html = render_template(
        "settlement/statement_pdf.html",
        statement=statement,
        max_lines=PDF_LINES,
        summary=summary_rows(statement),
        line_label=line_label,
        today=to_amsterdam(utcnow()).date(),
    )
    with _pdf_lock:
        return HTML(string=html).write_pdf()
