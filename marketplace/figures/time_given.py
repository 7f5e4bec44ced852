"""Funder series of volunteer time: one `funder_series` row of kind `time` per volunteer and
initiative, the confirmed hours valued in cents (`volunteer_value`) as running totals per
Amsterdam month, so a portfolio shows "time given" beside gifts and investments.

Callers own the transaction; the initiative's advisory lock serialises writers as in `build`.
"""

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import delete

from marketplace.db import bulk_insert
from marketplace.extensions import db
from marketplace.figures.build import chunks, funder_series_row, lock_initiatives
from marketplace.figures.models import FunderSeries
from marketplace.figures.volunteer_value import valued_time
from marketplace.volunteering.hours import initiatives_with_time

TIME = FunderSeries.TIME


def rebuild_time_funders(initiative_ids: Iterable[int]) -> None:
    """Rebuild the time series of every volunteer of these initiatives."""
    ids = sorted(set(initiative_ids))
    lock_initiatives(ids)
    for chunk in chunks(ids):
        per_person: dict[tuple, list] = defaultdict(list)
        for initiative_id, user_id, moment, cents in valued_time(chunk):
            if user_id is not None and cents:
                per_person[(initiative_id, user_id)].append((moment, cents))
        db.session.execute(
            delete(FunderSeries).where(
                FunderSeries.initiative_id.in_(chunk), FunderSeries.kind == TIME
            )
        )
        rows = [
            {**funder_series_row(initiative_id, user_id, None, sorted(given)), "kind": TIME}
            for (initiative_id, user_id), given in per_person.items()
        ]
        bulk_insert(FunderSeries.__table__, rows)


def rebuild_all_time_funders() -> int:
    """Every initiative with confirmed hours (nightly, with the rest of the figures)."""
    ids = initiatives_with_time()
    rebuild_time_funders(ids)
    return len(ids)
