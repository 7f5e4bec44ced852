"""Updating the figures in their own transaction, and the jobs that catch up.

`update` runs one piece of figure work after a fact changed. When it fails, the payment, report
or input that triggered it stays as committed: the failure is logged and the initiatives are
marked stale (`StaleFigures`); `refresh_stale` (the `figures-stale` job) rebuilds them from the
sources, and `refresh_all` (nightly) rebuilds everything. After a successful update,
`figures_changed` tells the readers (the exchange marks quotes stale).
"""

import logging
from collections.abc import Callable, Iterable

from sqlalchemy import delete, select

from marketplace import signals
from marketplace.db import without_waiting_for_disk
from marketplace.extensions import db
from marketplace.figures import build, invested, time_given
from marketplace.figures.models import StaleFigures

log = logging.getLogger(__name__)


def update(initiative_ids: set[int], work: Callable[[], None]) -> bool:
    """Run `work` in its own transaction; on failure mark the initiatives stale instead."""
    try:
        without_waiting_for_disk()
        work()
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("figures of initiatives %s not updated; marked stale", sorted(initiative_ids))
        mark_stale(initiative_ids)
        return False
    signals.notify(signals.figures_changed, initiative_ids=frozenset(initiative_ids))
    return True


def mark_stale(initiative_ids: Iterable[int]) -> None:
    try:
        known = set(
            db.session.scalars(
                select(StaleFigures.initiative_id).where(
                    StaleFigures.initiative_id.in_(list(initiative_ids))
                )
            )
        )
        db.session.add_all(StaleFigures(initiative_id=i) for i in set(initiative_ids) - known)
        db.session.commit()
    except Exception:  # the nightly rebuild is the last resort
        db.session.rollback()
        log.exception("could not mark initiatives %s stale", sorted(initiative_ids))


def refresh_stale() -> int:
    """Rebuild the initiatives marked stale, with all their funders (the `figures-stale` job)."""
    ids = sorted(db.session.scalars(select(StaleFigures.initiative_id)))
    if not ids:
        return 0

    def work() -> None:
        build.rebuild_initiatives(ids)
        build.rebuild_initiative_funders(ids)
        invested.rebuild_investment_funders(ids)
        time_given.rebuild_time_funders(ids)
        db.session.execute(delete(StaleFigures).where(StaleFigures.initiative_id.in_(ids)))

    update(set(ids), work)
    return len(ids)


def refresh_all() -> int:
    """Rebuild every initiative's figures and funder series (nightly; after a bulk load)."""
    count = build.rebuild_all()
    invested.rebuild_all_investment_funders()
    time_given.rebuild_all_time_funders()
    db.session.commit()
    signals.notify(signals.figures_changed, initiative_ids=frozenset(build.all_initiative_ids()))
    return count
