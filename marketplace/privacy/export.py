"""A person's data as a zip of JSON and CSV: their account and every domain's part."""

from __future__ import annotations

import csv
import io
import json
import zipfile

from flask import render_template
from flask_babel import force_locale

from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.privacy.models import PrivacyRequest, RequestKind
from marketplace.privacy.own import export_account
from marketplace.privacy.registry import Rows, data_domains, when
from marketplace.timeutil import utcnow


def person_data(user: User) -> dict[str, dict[str, Rows]]:
    """{domain: {table: rows}}: the account first, then each registered domain's part."""
    data = {"account": export_account(user)}
    for domain in data_domains():
        data[domain.name] = domain.export(user)
    return data


def _csv(rows: Rows) -> str:
    out = io.StringIO()
    columns = list(dict.fromkeys(key for row in rows for key in row))
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {
                k: json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else v
                for k, v in row.items()
            }  # fmt: skip
        )
    return out.getvalue()


def build_zip(user: User, data: dict[str, dict[str, Rows]]) -> bytes:
    """README, manifest, and `<domain>/<table>.json` + `.csv` for every table."""
    buffer = io.BytesIO()
    files = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for domain, tables in data.items():
            for table, rows in tables.items():
                base = f"{domain}/{table}"
                archive.writestr(f"{base}.json", json.dumps(rows, ensure_ascii=False, indent=2))
                archive.writestr(f"{base}.csv", _csv(rows))
                files.append({"table": base, "rows": len(rows)})
        manifest = {"person": user.id, "generated_at": when(utcnow()), "tables": files}
        archive.writestr("manifest.json", json.dumps(manifest, indent=2))
        with force_locale(user.locale or "nl"):
            archive.writestr("README.txt", render_template("privacy/export_readme.txt",
                                                           user=user, files=files))  # fmt: skip
    return buffer.getvalue()


def export_person(user: User, actor: User | None, via: str = "web") -> tuple[str, bytes]:
    """The person's data export (filename, zip bytes); the request is recorded. Commits.

    `actor`: the person, or the admin acting for them (None: an operator on the command line).
    """
    db.session.add(
        PrivacyRequest(
            user_id=user.id,
            kind=RequestKind.EXPORT,
            requested_by_id=actor.id if actor else None,
            by_admin=actor is None or actor.id != user.id,
            via=via,
        )
    )
    db.session.commit()
    archive = build_zip(user, person_data(user))
    return f"impactbeurs-data-{user.id}-{utcnow():%Y%m%d}.zip", archive
