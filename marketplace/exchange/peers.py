"""Peer groups: the quartiles of the social return per theme and size band, from the quotes.

Rebuilt whenever quotes are (`exchange.quotes`), read by portfolios to place each holding among
comparable initiatives; never computed on a page view.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import delete, select

from marketplace.exchange import indices
from marketplace.exchange.models import ExchangeQuote, PeerGroup
from marketplace.extensions import db
from marketplace.timeutil import utcnow

PLACES = Decimal("0.000001")
THEME_WIDE = "*"  # the size band of a theme's group over all sizes (the benchmark's quartiles)


@dataclass(frozen=True)
class Comparison:
    """Quartiles of the social return of initiatives in the same theme and size band."""

    theme: str
    size_band: str
    count: int
    q1: Decimal
    median: Decimal
    q3: Decimal

    def position(self, value: Decimal | None) -> str | None:
        """'top' (above Q3), 'upper' (median..Q3), 'lower' (Q1..median), 'bottom' (below Q1)."""
        if value is None:
            return None
        if value > self.q3:
            return "top"
        if value >= self.median:
            return "upper"
        if value >= self.q1:
            return "lower"
        return "bottom"


def refresh_peer_groups() -> int:
    """Rebuild the groups from the quoted initiatives (the caller commits); returns their count."""
    groups: dict[tuple[str, str], list[Decimal]] = defaultdict(list)
    for theme, inputs_cents, ratio in db.session.execute(
        select(ExchangeQuote.theme, ExchangeQuote.inputs_cents, ExchangeQuote.social_return).where(
            ExchangeQuote.quoted.is_(True)
        )
    ):
        groups[(theme, indices.size_band(inputs_cents))].append(Decimal(ratio))
        groups[(theme, THEME_WIDE)].append(Decimal(ratio))
    db.session.execute(delete(PeerGroup))
    now = utcnow()
    for (theme, band), ratios in sorted(groups.items()):
        q1, median, q3 = indices.quartiles(ratios)
        db.session.add(
            PeerGroup(
                theme=theme,
                size_band=band,
                count=len(ratios),
                q1=q1.quantize(PLACES),
                median=median.quantize(PLACES),
                q3=q3.quantize(PLACES),
                computed_at=now,
            )
        )
    return len(groups)


def peer_groups() -> dict[tuple[str, str], Comparison]:
    """The precomputed groups by (theme, size band)."""
    return {
        (r.theme, r.size_band): Comparison(
            r.theme, r.size_band, r.count, Decimal(r.q1), Decimal(r.median), Decimal(r.q3)
        )
        for r in db.session.scalars(select(PeerGroup).where(PeerGroup.size_band != THEME_WIDE))
    }
