"""Funder series of invested capital: one `funder_series` row per funder, initiative and kind
(member_share, loan, bond), holding the capital that counts as input (the principal not yet
repaid, `investments.inputs`) as running totals per Amsterdam month.

Callers own the transaction; the initiative's advisory lock serialises writers as in `build`.
"""

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import delete

from marketplace.extensions import db
from marketplace.figures.build import chunks, funder_key, funder_series_row, lock_initiatives
from marketplace.figures.models import FunderSeries
from marketplace.investments.inputs import initiatives_with_investments, invested_deltas


def rebuild_investment_funders(initiative_ids: Iterable[int]) -> None:
    """Rebuild the investment series of every funder of these initiatives."""
    ids = sorted(set(initiative_ids))
    lock_initiatives(ids)
    for chunk in chunks(ids):
        per_funder: dict[tuple, list] = defaultdict(list)
        for initiative_id, user_id, organisation_id, kind, moment, cents in invested_deltas(chunk):
            key = funder_key(initiative_id, user_id, organisation_id)
            if key is not None:
                per_funder[(*key, kind)].append((moment, cents))
        db.session.execute(
            delete(FunderSeries).where(
                FunderSeries.initiative_id.in_(chunk),
                FunderSeries.kind.not_in((FunderSeries.GIFT, FunderSeries.TIME)),
            )
        )
        rows = [
            {**funder_series_row(*key[:3], sorted(deltas, key=lambda d: d[0])), "kind": key[3]}
            for key, deltas in per_funder.items()
        ]
        if rows:
            db.session.execute(FunderSeries.__table__.insert(), rows)


def rebuild_all_investment_funders() -> int:
    """Every initiative with an offer (nightly, with the rest of the figures)."""
    ids = initiatives_with_investments()
    rebuild_investment_funders(ids)
    return len(ids)
