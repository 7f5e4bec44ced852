"""The figures' receivers: each named signal that changes a fact updates the figures it touches.

Every receiver runs after the sender's commit, in its own transaction (`refresh.update`): a
failure there marks the initiative stale for the `figures-stale` job and never touches the
payment, report or input that triggered it.
"""

from collections.abc import Iterable
from datetime import datetime

from marketplace import signals
from marketplace.figures import build, gift_month, invested, time_given
from marketplace.figures.refresh import update
from marketplace.impact.models import ReportStatus


def connect() -> None:
    """Connect the receivers (idempotent: blinker keeps one connection per receiver)."""
    signals.contribution_changed.connect(on_contribution_changed)
    signals.inputs_changed.connect(on_inputs_changed)
    signals.outcome_report_reviewed.connect(on_outcome_report_reviewed)
    signals.proxy_changed.connect(on_proxy_changed)
    signals.investment_changed.connect(on_investment_changed)
    signals.volunteer_hours_confirmed.connect(on_volunteer_hours_confirmed)


def on_contribution_changed(
    sender,
    *,
    initiative_id: int,
    user_id: int | None,
    organisation_id: int | None,
    paid_at: datetime | None,
    **_facts,
) -> None:
    """A gift's money changed: recount its month in the initiative's figures and in its funder's
    series (unpaid: nothing)."""
    if paid_at is None:
        return
    update(
        {initiative_id},
        lambda: gift_month.update_gift(initiative_id, user_id, organisation_id, paid_at),
    )


def on_inputs_changed(sender, *, initiative_id: int, **_facts) -> None:
    update({initiative_id}, lambda: build.rebuild_initiatives([initiative_id]))


def on_outcome_report_reviewed(sender, *, initiative_id: int, status: str, **_facts) -> None:
    """Only an accepted report carries value; a rejection changes no figure."""
    if status == ReportStatus.ACCEPTED.value:
        update({initiative_id}, lambda: build.rebuild_initiatives([initiative_id]))


def on_proxy_changed(sender, *, initiative_ids: Iterable[int], **_facts) -> None:
    ids = set(initiative_ids)
    if ids:
        update(ids, lambda: build.rebuild_initiatives(ids))


def on_investment_changed(sender, *, initiative_id: int, **_facts) -> None:
    """Invested capital changed (funded, repaid, exit, default): the initiative's months and its
    investors' series."""

    def work() -> None:
        build.rebuild_initiatives([initiative_id])
        invested.rebuild_investment_funders([initiative_id])

    update({initiative_id}, work)


def on_volunteer_hours_confirmed(sender, *, initiative_id: int, **_facts) -> None:
    """Confirmed hours changed: the initiative's months (volunteer time as an input) and its
    volunteers' series of kind `time`."""

    def work() -> None:
        build.rebuild_initiatives([initiative_id])
        time_given.rebuild_time_funders([initiative_id])

    update({initiative_id}, work)
