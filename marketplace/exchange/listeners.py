"""The exchange's receivers: changed figures or a changed initiative make its quote stale.

Marking is one small insert in its own transaction; `exchange.quotes.refresh_stale` (the
`exchange-stale` job) rebuilds the quotes, indices and peer groups outside any payment.
"""

from marketplace import signals
from marketplace.exchange.quotes import mark_stale


def connect() -> None:
    signals.figures_changed.connect(on_figures_changed)
    signals.initiative_changed.connect(on_initiative_changed)


def on_figures_changed(sender, *, initiative_ids, **_facts) -> None:
    mark_stale(initiative_ids)


def on_initiative_changed(sender, *, initiative_id: int, **_facts) -> None:
    mark_stale([initiative_id])
