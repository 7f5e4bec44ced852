"""Volunteer time as an in-kind input: confirmed hours valued with the catalog's
`volunteer_hour` proxy (the replacement value of unpaid work, 18.80 €/h) valid in the month of
the task. Each confirmed sign-up is valued once, to the cent, so the initiative's months and the
volunteers' series add up to the same amount."""

from collections.abc import Iterable
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select

from marketplace.extensions import db
from marketplace.impact.models import Metric, MetricProxy, proxy_valid_on
from marketplace.timeutil import amsterdam_month
from marketplace.volunteering.hours import confirmed_time

METRIC_CODE = "volunteer_hour"
NO_RATE = Decimal(0)  # no valid proxy (the catalog lacks the metric): the hours carry no value


def hour_rates() -> list[MetricProxy]:
    """The proxy versions of `volunteer_hour` (`db upgrade` loads them with the catalog)."""
    return list(
        db.session.scalars(
            select(MetricProxy)
            .join(Metric, Metric.id == MetricProxy.metric_id)
            .where(Metric.code == METRIC_CODE, MetricProxy.value.is_not(None))
        )
    )


def rate_on(versions: list[MetricProxy], month: date) -> Decimal:
    version = proxy_valid_on(versions, month)
    return Decimal(version.value) if version is not None else NO_RATE


def value_cents(minutes: int, rate: Decimal) -> int:
    return int((Decimal(minutes) * rate * 100 / 60).quantize(Decimal(1), ROUND_HALF_UP))


def valued_time(ids: list[int]) -> Iterable[tuple[int, int | None, datetime, int]]:
    """(initiative, person or None, when, cents) of every confirmed sign-up of `ids`."""
    versions = hour_rates()
    for initiative_id, user_id, moment, minutes in confirmed_time(ids):
        yield (
            initiative_id,
            user_id,
            moment,
            value_cents(minutes, rate_on(versions, amsterdam_month(moment))),
        )


def volunteer_cents_by_month(ids: list[int]) -> Iterable[tuple[int, date, int]]:
    """`figures.build.INPUT_SOURCES["volunteer_cents"]`: (initiative, month, cents)."""
    for initiative_id, _user, moment, cents in valued_time(ids):
        yield initiative_id, amsterdam_month(moment), cents
