"""The test oracle for `portfolios.build`: the same portfolio computed the plain way, from every
paid gift and every monthly figure row, with `attribution.monthly_series`'s arithmetic.

`build_portfolio` reads precomputed running totals instead; both must agree to the last Decimal
digit (tests/portfolios/test_fast_paths.py).
"""

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from marketplace.community.follows import InitiativeRef, initiatives_followed
from marketplace.donations.models import Contribution
from marketplace.exchange import indices
from marketplace.exchange.peers import peer_groups
from marketplace.extensions import db
from marketplace.figures.models import VALUE_KINDS, InitiativeMonth
from marketplace.initiatives.models import Initiative, Theme
from marketplace.organisations.models import Organisation
from marketplace.portfolios import attribution
from marketplace.portfolios.build import (
    ZERO,
    Holding,
    _portfolio,
    current_month,
    period_months,
)
from marketplace.portfolios.rows import running_monthly as _running_monthly
from marketplace.timeutil import amsterdam_month, as_utc, month_start


def _gifts(funder) -> dict[int, dict]:
    """Per initiative: net cents per Amsterdam month of payment, first and last payment."""
    if isinstance(funder, Organisation):
        where = (Contribution.organisation_id == funder.id,)
    else:
        where = (Contribution.user_id == funder.id, Contribution.organisation_id.is_(None))
    result: dict[int, dict] = defaultdict(lambda: {"monthly": defaultdict(int), "paid": []})
    for initiative_id, paid_at, cents in db.session.execute(
        select(Contribution.initiative_id, Contribution.paid_at, Contribution.net_cents).where(
            *where, Contribution.paid_at.is_not(None)
        )
    ):
        gifts = result[initiative_id]
        gifts["monthly"][amsterdam_month(paid_at)] += int(cents)
        gifts["paid"].append(as_utc(paid_at))
    return result


def _cumulative(amounts: list, months: Sequence[date], index: int, zero):
    totals, running, position = [], zero, 0
    for month in months:
        while position < len(amounts) and amounts[position][0] <= month:
            running += amounts[position][index]
            position += 1
        totals.append(running)
    return totals


def build_portfolio_reference(funder, *, months=None, first=None, last=None,
                              with_comparison=True, with_holding_series=False):  # fmt: skip
    gifts = _gifts(funder)
    if months is None:
        months = period_months(first, last, (min(g["monthly"]) for g in gifts.values()))
    months = [month_start(m) for m in months]
    as_of = months[-1] if months else current_month()
    ids = sorted(i for i, g in gifts.items() if min(g["monthly"]) <= as_of)
    refs = {
        row.id: InitiativeRef(row.id, row.name, row.slug, Theme(row.theme))
        for row in db.session.execute(
            select(Initiative.id, Initiative.name, Initiative.slug, Initiative.theme).where(
                Initiative.id.in_(ids)
            )
        )
    }
    rows: dict[int, list[InitiativeMonth]] = defaultdict(list)
    for row in db.session.scalars(
        select(InitiativeMonth)
        .where(InitiativeMonth.initiative_id.in_(ids))
        .order_by(InitiativeMonth.month)
    ):
        rows[row.initiative_id].append(row)
    running = _running_monthly(funder) if ids else set()
    groups = peer_groups() if ids and with_comparison else {}
    holdings, total_given, total_value = [], [0] * len(months), [ZERO] * len(months)
    for initiative_id in ids if months else ():
        figures = [(r.month, r.inputs_cents, r.value_total, r) for r in rows[initiative_id]]
        monthly = gifts[initiative_id]["monthly"]
        given = _cumulative(sorted(monthly.items()), months, 1, 0)
        inputs = _cumulative(figures, months, 1, 0)
        values = _cumulative(figures, months, 2, ZERO)
        for k, cents in enumerate(given):
            total_given[k] += cents
            if cents > 0 and inputs[k] > 0 and values[k]:
                total_value[k] += values[k] * cents / inputs[k]
        kinds = {
            kind: sum(
                (
                    Decimal(getattr(r, f"value_{kind}"))
                    for r in rows[initiative_id]
                    if r.month <= as_of
                ),
                ZERO,
            )
            for kind in VALUE_KINDS
        }
        accepted = any(
            r.evidence_level is not None and r.month <= as_of for r in rows[initiative_id]
        )
        attributed = attribution.attributed_value(given[-1], inputs[-1], values[-1])
        band = indices.size_band(inputs[-1])
        ref = refs[initiative_id]
        holding = Holding(
            initiative=ref,
            given_cents=given[-1],
            first_gift_at=min(gifts[initiative_id]["paid"]),
            last_gift_at=max(gifts[initiative_id]["paid"]),
            monthly_running=initiative_id in running,
            share=attribution.share(given[-1], inputs[-1]),
            attributed_value=attributed,
            social_return=attribution.social_return(attributed, given[-1]) if accepted else None,
            by_value_kind={
                kind: attribution.attributed_value(given[-1], inputs[-1], value)
                for kind, value in kinds.items()
            },
            inputs_cents=inputs[-1],
            initiative_value=values[-1],
            has_accepted_report=accepted,
            size_band=band,
            comparison=groups.get((ref.theme.value, band)),
        )
        if with_holding_series:
            holding.series = attribution.monthly_series(
                monthly,
                {r.month: r.inputs_cents for r in rows[initiative_id]},
                {r.month: r.value_total for r in rows[initiative_id]},
                months,
            )
        holdings.append(holding)
    return _portfolio(
        funder, months, holdings, total_given, total_value, initiatives_followed(funder)
    )
