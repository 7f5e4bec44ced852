"""A person's report preferences and the impact reports made for them, in their data export;
erasure removes both (a person's report is about their own giving)."""

from sqlalchemy import delete, select

from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.privacy.registry import DataDomain, Erasure, Rows, when
from marketplace.reporting.models import OwnerType, Report, ReportPreference


def export_reports(user: User) -> dict[str, Rows]:
    preference = db.session.scalar(
        select(ReportPreference).where(ReportPreference.user_id == user.id)
    )
    reports = db.session.scalars(
        select(Report)
        .where(Report.owner_type == OwnerType.USER, Report.owner_id == user.id)
        .order_by(Report.id)
    )
    return {
        "report_preferences": [
            {
                "cadence": preference.cadence.value,
                "reminders": preference.reminders,
                "updated_at": when(preference.updated_at),
            }  # fmt: skip
        ]
        if preference
        else [],
        "impact_reports": [
            {
                "title": r.title,
                "period_start": r.period_start.isoformat(),
                "period_end": r.period_end.isoformat(),
                "status": r.status.value,
                "language": r.language,
                "sent_at": when(r.sent_at),
            }  # fmt: skip
            for r in reports
        ],
    }


def erase_reports(erasure: Erasure) -> None:
    db.session.execute(delete(ReportPreference).where(ReportPreference.user_id == erasure.user_id))
    db.session.execute(
        delete(Report).where(
            Report.owner_type == OwnerType.USER, Report.owner_id == erasure.user_id
        )
    )


DATA = DataDomain(name="reporting", export=export_reports, erase=erase_reports)
