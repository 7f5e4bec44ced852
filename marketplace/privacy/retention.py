"""The retention periods, as the privacy statement names them (`privacy/_retention.html`)."""

from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext


@dataclass(frozen=True)
class Period:
    what: str
    how_long: str
    setting: str


def retention_periods() -> list[Period]:
    """What is kept how long after an erasure or after it happened, from the settings."""
    config = current_app.config
    years = config["RETENTION_FISCAL_YEARS"]
    logins, log_days, mail = (
        config["RETENTION_LOGIN_DAYS"],
        config["RETENTION_PRIVACY_LOG_DAYS"],
        config["RETENTION_MAIL_DAYS"],
    )
    fiscal = ngettext(
        "%(num)d year after the end of the year of the gift",
        "%(num)d years after the end of the year of the gift",
        years,
    )
    return [
        Period(str(FISCAL), fiscal, "RETENTION_FISCAL_YEARS"),
        Period(str(LOGINS), _days(logins), "RETENTION_LOGIN_DAYS"),
        Period(str(REQUESTS), _days(log_days), "RETENTION_PRIVACY_LOG_DAYS"),
        Period(str(MAIL), _days(mail), "RETENTION_MAIL_DAYS"),
    ]


def _days(days: int) -> str:
    return ngettext("%(num)d day", "%(num)d days", days)


FISCAL = _l(
    "Gifts, receipts and investments (the fiscal retention duty), pseudonymised after you "
    "delete your account"
)
LOGINS = _l("The record of your log-ins")
REQUESTS = _l("The record of data exports and account erasures")
MAIL = _l("E-mails we sent you, in our outbox")
