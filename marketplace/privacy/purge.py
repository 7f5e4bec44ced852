"""The retention purge (the `privacy-purge` job; CLI `privacy purge`): log-ins, the request log
and sent mail after their periods, and, through each domain, what erased persons left behind
once its fiscal retention ended (RETENTION_FISCAL_YEARS after the end of its year)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.mail.models import MailMessage, MailStatus
from marketplace.privacy.models import LoginRecord, PrivacyRequest
from marketplace.privacy.registry import Purge, data_domains
from marketplace.timeutil import AMSTERDAM, to_amsterdam, utcnow


@dataclass
class PurgeReport:
    counts: dict[str, int] = field(default_factory=dict)

    def __str__(self) -> str:
        return ", ".join(f"{name} {count}" for name, count in self.counts.items()) or "nothing"


def fiscal_cutoff(now: datetime, years: int) -> datetime:
    """Records dated before this have been kept `years` full years after their own year."""
    return datetime(to_amsterdam(now).year - years, 1, 1, tzinfo=AMSTERDAM)


def purge_expired_data(now: datetime | None = None) -> PurgeReport:
    """Delete what has been kept long enough. Idempotent; one transaction."""
    now = now or utcnow()
    config = current_app.config
    report = PurgeReport()
    report.counts["logins"] = db.session.execute(
        delete(LoginRecord).where(
            LoginRecord.at < now - timedelta(days=config["RETENTION_LOGIN_DAYS"])
        )
    ).rowcount
    log_days = config["RETENTION_PRIVACY_LOG_DAYS"]
    report.counts["privacy_requests"] = db.session.execute(
        delete(PrivacyRequest).where(PrivacyRequest.created_at < now - timedelta(days=log_days))
    ).rowcount
    report.counts["mail"] = db.session.execute(
        delete(MailMessage).where(
            MailMessage.status.in_([MailStatus.SENT, MailStatus.FAILED]),
            MailMessage.created_at < now - timedelta(days=config["RETENTION_MAIL_DAYS"]),
        )
    ).rowcount
    purge = Purge(
        now=now,
        fiscal_cutoff=fiscal_cutoff(now, config["RETENTION_FISCAL_YEARS"]),
        erased_users=select(User.id).where(User.erased_at.is_not(None)),
    )
    for domain in data_domains():
        if domain.purge is not None:
            report.counts[domain.name] = domain.purge(purge)
    report.counts["accounts"] = _forget_pseudonyms(now - timedelta(days=log_days))
    db.session.commit()
    for notify in purge.after_commit:
        notify()
    return report


def _forget_pseudonyms(erased_before: datetime) -> int:
    """An erased account's row goes once nothing points at it any more (its kept records were
    purged) and the record of its erasure has done its time; a row still referenced stays."""
    forgotten = 0
    for user_id in db.session.scalars(
        select(User.id).where(User.erased_at.is_not(None), User.erased_at < erased_before)
    ).all():
        try:
            with db.session.begin_nested():
                db.session.execute(delete(User).where(User.id == user_id))
        except IntegrityError:
            continue  # still the pseudonym of records that are kept
        forgotten += 1
    return forgotten
