"""Monthly figures per initiative: the one table every reader of inputs and social value uses.

`InitiativeMonth` holds, per initiative and calendar month (Europe/Amsterdam, first day of the
month), what came in and what social value was recognised in that month:

- platform_cents: net paid contributions whose payment fell in the month (refunds and chargebacks
  are subtracted from the month of the original payment, as `Contribution.net_cents` does, so the
  numbers match the donations domain and the portfolio attribution exactly);
- declared_cents: declared other inputs (`InitiativeInput`) received in the month;
- value_<kind>: present value of the outcomes of ACCEPTED reports whose period ends in the month,
  valued with the frozen filters and proxy version of each report line (the impact domain's
  method, `marketplace.impact.sroi.value_of_outcome`), rounded to 4 decimals per month;
- evidence_level: the highest evidence level of the accepted reports with period end in or before
  the month (None before the first accepted report).

Rows exist only for months with something in them; `cumulative_series` fills the gaps. The rows are
derived data: `refresh_initiative_figures` rebuilds them from the sources, and SQLAlchemy session
events keep them current on every commit that changes a contribution, a declared input, an outcome
report or an initiative, so no other domain has to remember to call anything.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from itertools import accumulate

from flask import current_app, has_app_context
from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Numeric,
    and_,
    delete,
    event,
    inspect,
    or_,
    select,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Mapped, Session, mapped_column

from marketplace.db import advisory_xact_lock
from marketplace.extensions import db
from marketplace.timeutil import UTCDateTime, as_utc, month_start, months_between, to_amsterdam

VALUE = Numeric(18, 4)
PLACES = Decimal("0.0001")
ZERO = Decimal(0)
VALUE_KINDS = ("fiscal", "wellbeing", "environmental", "economic")
CHUNK = 500  # initiative ids per IN (...) query

DIRTY_KEY = "exchange_dirty_initiatives"
FUNDERS_KEY = "exchange_dirty_funders"
REFRESHING_KEY = "exchange_refreshing"


class InitiativeMonth(db.Model):
    """One initiative's inputs and recognised social value in one calendar month."""

    __tablename__ = "initiative_months"

    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE"), primary_key=True
    )
    month: Mapped[date] = mapped_column(Date, primary_key=True, index=True)
    platform_cents: Mapped[int] = mapped_column(default=0)
    declared_cents: Mapped[int] = mapped_column(default=0)
    value_fiscal: Mapped[Decimal] = mapped_column(VALUE, default=ZERO)
    value_wellbeing: Mapped[Decimal] = mapped_column(VALUE, default=ZERO)
    value_environmental: Mapped[Decimal] = mapped_column(VALUE, default=ZERO)
    value_economic: Mapped[Decimal] = mapped_column(VALUE, default=ZERO)
    evidence_level: Mapped[int | None] = mapped_column()

    @property
    def inputs_cents(self) -> int:
        return self.platform_cents + self.declared_cents

    @property
    def value_total(self) -> Decimal:
        return (
            Decimal(self.value_fiscal)
            + Decimal(self.value_wellbeing)
            + Decimal(self.value_environmental)
            + Decimal(self.value_economic)
        )

    def __repr__(self) -> str:
        return f"<InitiativeMonth {self.initiative_id} {self.month:%Y-%m}>"


# Integer lists: native arrays on PostgreSQL (read in binary, no parsing), JSON elsewhere.
INTEGERS = JSON().with_variant(postgresql.ARRAY(BigInteger), "postgresql")
INTEGERS_BY_KIND = JSON().with_variant(postgresql.ARRAY(BigInteger, dimensions=2), "postgresql")


class InitiativeSeries(db.Model):
    """One initiative's monthly figures as running totals, one row per initiative.

    Derived from its `initiative_months` rows whenever they are rebuilt (`refresh_figures`), for
    readers that need whole series of many initiatives at once: a portfolio of 200 holdings reads
    200 rows here instead of aggregating 12,000 monthly rows per page view. Element n of each list
    is the total up to and including month n after `first_month`, for every month up to the last
    month with figures (later months carry the last totals). Values are integers of 1/10,000 euro,
    exact, since monthly values have four decimals.
    """

    __tablename__ = "initiative_series"

    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE"), primary_key=True
    )
    first_month: Mapped[date] = mapped_column(Date)
    inputs_cents: Mapped[list[int]] = mapped_column(INTEGERS)
    value_units: Mapped[list[int]] = mapped_column(INTEGERS)  # all kinds together
    value_units_by_kind: Mapped[list[list[int]]] = mapped_column(INTEGERS_BY_KIND)  # VALUE_KINDS
    accepted_from: Mapped[date | None] = mapped_column(Date)  # first month with an accepted report


class FunderSeries(db.Model):
    """A funder's net paid gifts to one initiative as running totals per Amsterdam month.

    The funder is an organisation (gifts on its behalf) or a person (their own gifts, without an
    organisation). Rebuilt from that funder's paid contributions in every commit that changes one
    of them (`refresh_funder_series`, from the same session events as the monthly figures), so a
    portfolio reads one row per holding. Element n of `given_cents` is the total up to and
    including month n after `first_month`, up to the month of the last gift.
    """

    __tablename__ = "funder_series"
    __table_args__ = (
        CheckConstraint("organisation_id IS NOT NULL OR user_id IS NOT NULL", name="has_a_funder"),
        Index("ix_funder_series_user", "user_id", "initiative_id"),
        Index("ix_funder_series_organisation", "organisation_id", "initiative_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column()  # the person, when organisation_id is NULL
    organisation_id: Mapped[int | None] = mapped_column()
    first_month: Mapped[date] = mapped_column(Date)
    given_cents: Mapped[list[int]] = mapped_column(INTEGERS)
    first_paid_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_paid_at: Mapped[datetime] = mapped_column(UTCDateTime)


# --- readers --------------------------------------------------------------------------------------


def monthly_figures(initiative_ids: Iterable[int]) -> dict[int, list[InitiativeMonth]]:
    """Each initiative's monthly rows, ordered by month (initiatives without rows get [])."""
    ids = sorted(set(initiative_ids))
    result: dict[int, list[InitiativeMonth]] = {i: [] for i in ids}
    for chunk in _chunks(ids):
        rows = db.session.scalars(
            select(InitiativeMonth)
            .where(InitiativeMonth.initiative_id.in_(chunk))
            .order_by(InitiativeMonth.initiative_id, InitiativeMonth.month)
        )
        for row in rows:
            result[row.initiative_id].append(row)
    return result


@dataclass(frozen=True)
class FigurePoint:
    """Cumulative figures of one initiative up to and including `month`."""

    month: date
    platform_cents: int
    declared_cents: int
    value_fiscal: Decimal
    value_wellbeing: Decimal
    value_environmental: Decimal
    value_economic: Decimal
    evidence_level: int | None
    has_accepted_report: bool

    @property
    def inputs_cents(self) -> int:
        return self.platform_cents + self.declared_cents

    @property
    def value_total(self) -> Decimal:
        return sum(self.by_value_kind.values(), ZERO)

    @property
    def by_value_kind(self) -> dict[str, Decimal]:
        return {kind: getattr(self, f"value_{kind}") for kind in VALUE_KINDS}


def cumulative_series(rows: Sequence[InitiativeMonth], months: Sequence[date]) -> list[FigurePoint]:
    """Cumulative totals at each of `months` (ascending) from one initiative's monthly rows.

    Rows before the first requested month are included in the first point.
    """
    ordered = sorted(rows, key=lambda r: r.month)
    points: list[FigurePoint] = []
    platform = declared = 0
    values = dict.fromkeys(VALUE_KINDS, ZERO)
    level: int | None = None
    accepted = False
    position = 0
    for raw in months:
        month = month_start(raw)
        while position < len(ordered) and ordered[position].month <= month:
            row = ordered[position]
            platform += row.platform_cents
            declared += row.declared_cents
            for kind in VALUE_KINDS:
                values[kind] += Decimal(getattr(row, f"value_{kind}"))
            if row.evidence_level is not None:
                level = row.evidence_level if level is None else max(level, row.evidence_level)
                accepted = True
            position += 1
        points.append(
            FigurePoint(
                month,
                platform,
                declared,
                values["fiscal"],
                values["wellbeing"],
                values["environmental"],
                values["economic"],
                level,
                accepted,
            )
        )
    return points


# --- rebuilding -----------------------------------------------------------------------------------


def _chunks(ids: Sequence[int]) -> Iterable[list[int]]:
    ids = list(ids)
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _discount_rate() -> Decimal:
    from marketplace.impact.sroi import DEFAULT_DISCOUNT_RATE

    if not has_app_context():
        return DEFAULT_DISCOUNT_RATE
    return Decimal(str(current_app.config.get("SROI_DISCOUNT_RATE", DEFAULT_DISCOUNT_RATE)))


def _new_month() -> dict:
    return {
        "platform_cents": 0,
        "declared_cents": 0,
        **{f"value_{kind}": ZERO for kind in VALUE_KINDS},
        "level": None,
    }


def _gather(session: Session, ids: list[int]) -> dict[int, dict[date, dict]]:
    """Per initiative, per month: the raw sums from contributions, inputs and accepted reports."""
    from marketplace.donations.models import Contribution
    from marketplace.impact import sroi
    from marketplace.impact.models import (
        InitiativeInput,
        Metric,
        MetricProxy,
        OutcomeReport,
        OutcomeReportValue,
        ReportStatus,
    )

    months: dict[int, dict[date, dict]] = {i: defaultdict(_new_month) for i in ids}
    net = Contribution.amount_cents - Contribution.refunded_cents - Contribution.charged_back_cents
    for initiative_id, paid_at, cents in session.execute(
        select(Contribution.initiative_id, Contribution.paid_at, net).where(
            Contribution.initiative_id.in_(ids), Contribution.paid_at.is_not(None)
        )
    ):
        month = month_start(to_amsterdam(paid_at).date())
        months[initiative_id][month]["platform_cents"] += int(cents)

    for initiative_id, received_on, cents in session.execute(
        select(
            InitiativeInput.initiative_id, InitiativeInput.received_on, InitiativeInput.amount_cents
        ).where(InitiativeInput.initiative_id.in_(ids))
    ):
        months[initiative_id][month_start(received_on)]["declared_cents"] += int(cents)

    accepted = OutcomeReport.status == ReportStatus.ACCEPTED
    for initiative_id, period_end, level in session.execute(
        select(
            OutcomeReport.initiative_id, OutcomeReport.period_end, OutcomeReport.evidence_level
        ).where(OutcomeReport.initiative_id.in_(ids), accepted)
    ):
        entry = months[initiative_id][month_start(period_end)]
        level = level or 0  # an accepted report without a level still counts as a report
        entry["level"] = level if entry["level"] is None else max(entry["level"], level)

    rate = _discount_rate()
    lines = session.execute(
        select(
            OutcomeReport.initiative_id,
            OutcomeReport.period_end,
            Metric.code,
            Metric.value_kind,
            OutcomeReportValue.quantity,
            MetricProxy.value,
            OutcomeReportValue.deadweight,
            OutcomeReportValue.displacement,
            OutcomeReportValue.attribution,
            OutcomeReportValue.drop_off,
            OutcomeReportValue.duration_years,
        )
        .select_from(OutcomeReportValue)
        .join(OutcomeReport, OutcomeReportValue.report_id == OutcomeReport.id)
        .join(Metric, OutcomeReportValue.metric_id == Metric.id)
        .outerjoin(MetricProxy, OutcomeReportValue.proxy_id == MetricProxy.id)
        .where(OutcomeReport.initiative_id.in_(ids), accepted)
    )
    for (
        initiative_id,
        period_end,
        code,
        kind,
        quantity,
        proxy,
        deadweight,
        displacement,
        attribution,
        drop_off,
        duration,
    ) in lines:
        # Same construction as impact.services.valued_lines: a line without a proxy counts as 0.
        outcome = sroi.Outcome(
            key=code,
            value_kind=str(kind.value if hasattr(kind, "value") else kind),
            quantity=Decimal(quantity),
            proxy=Decimal(proxy) if proxy is not None else ZERO,
            deadweight=Decimal(deadweight or 0),
            displacement=Decimal(displacement or 0),
            attribution=Decimal(attribution or 0),
            drop_off=Decimal(drop_off or 0),
            duration_years=duration or 1,
        )
        entry = months[initiative_id][month_start(period_end)]
        entry[f"value_{outcome.value_kind}"] += sroi.value_of_outcome(outcome, rate)
    return months


def refresh_figures(initiative_ids: Iterable[int], session: Session | None = None) -> set[int]:
    """Rebuild the monthly rows of these initiatives in the current transaction (idempotent).

    Returns the ids whose rows were rebuilt. Unknown ids simply end up without rows.
    """
    session = session or db.session
    ids = sorted({int(i) for i in initiative_ids if i is not None})
    for chunk in _chunks(ids):
        gathered = _gather(session, chunk)
        session.execute(delete(InitiativeMonth).where(InitiativeMonth.initiative_id.in_(chunk)))
        rows = []
        for initiative_id, by_month in gathered.items():
            level: int | None = None
            for month in sorted(by_month):
                entry = by_month[month]
                if entry["level"] is not None:
                    level = entry["level"] if level is None else max(level, entry["level"])
                rows.append(
                    {
                        "initiative_id": initiative_id,
                        "month": month,
                        "platform_cents": entry["platform_cents"],
                        "declared_cents": entry["declared_cents"],
                        **{
                            f"value_{kind}": entry[f"value_{kind}"].quantize(PLACES)
                            for kind in VALUE_KINDS
                        },
                        "evidence_level": level,
                    }
                )
        if rows:
            session.execute(InitiativeMonth.__table__.insert(), rows)
        _store_series(session, chunk, rows)
    return set(ids)


UNITS_PER_EURO_EXPONENT = 4  # VALUE has four decimals
UNITS_PER_EURO = 10**UNITS_PER_EURO_EXPONENT


def series_row(initiative_id: int, months: Sequence[dict]) -> dict | None:
    """The `initiative_series` row of one initiative from its monthly rows (dicts, by month)."""
    if not months:
        return None
    first = months[0]["month"]
    by_index = {months_between(first, m["month"]): m for m in months}
    inputs, values = [], []
    by_kind: list[list[int]] = [[] for _kind in VALUE_KINDS]
    running_inputs = 0
    running = dict.fromkeys(VALUE_KINDS, 0)
    accepted_from = None
    for index in range(max(by_index) + 1):
        month = by_index.get(index)
        if month is not None:
            running_inputs += month["platform_cents"] + month["declared_cents"]
            for kind in VALUE_KINDS:
                running[kind] += int(Decimal(month[f"value_{kind}"]) * UNITS_PER_EURO)
            if accepted_from is None and month["evidence_level"] is not None:
                accepted_from = month["month"]
        inputs.append(running_inputs)
        values.append(sum(running.values()))
        for index_of_kind, kind in enumerate(VALUE_KINDS):
            by_kind[index_of_kind].append(running[kind])
    return {
        "initiative_id": initiative_id,
        "first_month": first,
        "inputs_cents": inputs,
        "value_units": values,
        "value_units_by_kind": by_kind,
        "accepted_from": accepted_from,
    }


def _store_series(session: Session, ids: Sequence[int], month_rows: Sequence[dict]) -> None:
    """Replace the series rows of `ids` with those built from their (sorted) monthly rows."""
    per_initiative: dict[int, list[dict]] = defaultdict(list)
    for row in month_rows:
        per_initiative[row["initiative_id"]].append(row)
    session.execute(delete(InitiativeSeries).where(InitiativeSeries.initiative_id.in_(ids)))
    series = [series_row(i, rows) for i, rows in per_initiative.items()]
    if series:
        session.execute(InitiativeSeries.__table__.insert(), series)


# More touched funders than this in one commit: rebuild all funders of their initiatives instead
# (one short query instead of a long OR; SQLite limits expression depth).
MAX_FUNDER_KEYS = 100


def refresh_funder_series(
    session: Session, initiative_ids: Iterable[int], funders: set[tuple] | None = None
) -> None:
    """Rebuild funder series rows from the paid contributions, in the current transaction.

    `funders` None: every funder of `initiative_ids`. Otherwise only these (initiative, person,
    organisation) keys (`_funder_key`), so a payment rewrites its own funder's row and not every
    donor's; a key (initiative, None, None) stands for every funder of that initiative.
    """
    from marketplace.donations.models import Contribution

    if funders is None:
        whole, keys = set(initiative_ids), set()
    else:
        whole = {key[0] for key in funders if key[1:] == (None, None)}
        keys = {key for key in funders if key[0] not in whole}
        if len(keys) > MAX_FUNDER_KEYS:
            whole, keys = whole | {key[0] for key in keys}, set()
    scopes = [
        (Contribution.initiative_id.in_(c), FunderSeries.initiative_id.in_(c))
        for c in _chunks(sorted(whole))
    ]
    if keys:
        scopes.append(
            (
                or_(*(_of_funder(Contribution, key) for key in keys)),
                or_(*(_of_funder(FunderSeries, key) for key in keys)),
            )
        )
    net = Contribution.amount_cents - Contribution.refunded_cents - Contribution.charged_back_cents
    for gifts_scope, series_scope in scopes:
        gifts = session.execute(
            select(
                Contribution.initiative_id,
                Contribution.user_id,
                Contribution.organisation_id,
                Contribution.paid_at,
                net,
            )
            .where(gifts_scope, Contribution.paid_at.is_not(None))
            .order_by(Contribution.paid_at)
        )
        per_funder: dict[tuple, list[tuple[datetime, int]]] = defaultdict(list)
        for initiative_id, user_id, organisation_id, paid_at, cents in gifts:
            key = _funder_key(initiative_id, user_id, organisation_id)
            if key is not None:  # an anonymous gift is nobody's portfolio
                per_funder[key].append((as_utc(paid_at), int(cents)))
        session.execute(delete(FunderSeries).where(series_scope))
        rows = [funder_series_row(*key, paid) for key, paid in per_funder.items()]
        if rows:
            session.execute(FunderSeries.__table__.insert(), rows)


def _funder_key(initiative_id, user_id, organisation_id) -> tuple | None:
    """(initiative, person, organisation) of a gift: a gift on an organisation's behalf is the
    organisation's (person None), one without is the person's; None for an anonymous gift."""
    if organisation_id is not None:
        return (initiative_id, None, organisation_id)
    if user_id is not None:
        return (initiative_id, user_id, None)
    return None


def _of_funder(model, key: tuple):
    """The rows of `model` (contributions or funder series) belonging to one funder key."""
    initiative_id, person, organisation = key
    if organisation is not None:
        return and_(model.initiative_id == initiative_id, model.organisation_id == organisation)
    return and_(
        model.initiative_id == initiative_id,
        model.user_id == person,
        model.organisation_id.is_(None),
    )


def funder_series_row(initiative_id, user_id, organisation_id, paid: list[tuple]) -> dict:
    """The `funder_series` row of one funder and initiative from (paid_at, net cents), in order."""
    first = month_start(to_amsterdam(paid[0][0]).date())
    monthly: dict[int, int] = defaultdict(int)
    for paid_at, cents in paid:
        monthly[months_between(first, to_amsterdam(paid_at).date())] += cents
    given = list(accumulate(monthly.get(index, 0) for index in range(max(monthly) + 1)))
    return {
        "initiative_id": initiative_id,
        "user_id": user_id,
        "organisation_id": organisation_id,
        "first_month": first,
        "given_cents": given,
        "first_paid_at": paid[0][0],
        "last_paid_at": paid[-1][0],
    }


def rebuild_series(session: Session | None = None) -> int:
    """Rebuild every initiative's and funder's series (after a bulk load, or a migration)."""
    session = session or db.session
    columns = [c for c in InitiativeMonth.__table__.columns]
    ids = list(session.scalars(select(InitiativeMonth.initiative_id).distinct()))
    for chunk in _chunks(sorted(ids)):
        rows = session.execute(
            select(*columns)
            .where(InitiativeMonth.initiative_id.in_(chunk))
            .order_by(InitiativeMonth.initiative_id, InitiativeMonth.month)
        )
        _store_series(session, chunk, [dict(row._mapping) for row in rows])
    refresh_funder_series(session, all_initiative_ids(session))
    return len(ids)


def refresh_initiative_figures(initiative_id: int) -> None:
    """Rebuild one initiative's monthly rows (and its quote and theme index) in this transaction."""
    _refresh_everything_for(db.session, {initiative_id})


def all_initiative_ids(session: Session | None = None) -> list[int]:
    from marketplace.initiatives.models import Initiative

    session = session or db.session
    return list(session.scalars(select(Initiative.id).order_by(Initiative.id)))


# --- keeping them current -------------------------------------------------------------------------

# Attributes whose change alters an initiative's figures or its place on the exchange.
_WATCHED = {
    "Contribution": {
        "user_id",
        "organisation_id",
        "amount_cents",
        "refunded_cents",
        "charged_back_cents",
        "paid_at",
        "status",
        "initiative_id",
    },
    "InitiativeInput": None,  # any change
    "OutcomeReport": {"status", "evidence_level", "period_end", "initiative_id"},
    "OutcomeReportValue": {"proxy_id", "quantity", "valued_at"},
    "Initiative": {"status", "theme", "municipality", "province", "name", "slug"},
}


def _initiative_id_of(session: Session, obj) -> int | None:
    name = type(obj).__name__
    if name == "Initiative":
        return obj.id
    if name == "OutcomeReportValue":
        report = obj.__dict__.get("report")
        if report is not None:
            return report.initiative_id
        from marketplace.impact.models import OutcomeReport

        report = session.get(OutcomeReport, obj.report_id) if obj.report_id else None
        return report.initiative_id if report is not None else None
    return getattr(obj, "initiative_id", None)


def _changed(obj, attributes) -> bool:
    if attributes is None:
        return True
    state = inspect(obj)
    return any(
        state.attrs[name].history.has_changes() for name in attributes if name in state.attrs
    )


def mark_changed(session: Session, initiative_id: int) -> None:
    """Queue an initiative for a refresh at the session's next commit."""
    session.info.setdefault(DIRTY_KEY, set()).add(initiative_id)


def _contribution_funders(obj) -> set[tuple]:
    """The funder series keys a new, changed or deleted contribution affects. When it changed
    hands, its previous funder may not be loaded: then every funder of its initiative(s)."""
    state = inspect(obj)
    moved = [state.attrs[name].history for name in ("initiative_id", "user_id", "organisation_id")]
    if state.persistent and any(history.has_changes() for history in moved):
        initiatives = {obj.initiative_id, *(moved[0].deleted or ())} - {None}
        return {(initiative_id, None, None) for initiative_id in initiatives}
    key = _funder_key(obj.initiative_id, obj.user_id, obj.organisation_id)
    return {key} if key is not None else set()


def _after_flush(session: Session, flush_context) -> None:
    if session.info.get(REFRESHING_KEY):
        return
    dirty: set[int] = session.info.setdefault(DIRTY_KEY, set())
    funders: set[tuple] = session.info.setdefault(FUNDERS_KEY, set())
    for obj in session.new:
        if type(obj).__name__ in _WATCHED:
            initiative_id = _initiative_id_of(session, obj)
            if initiative_id is not None:
                dirty.add(initiative_id)
            if type(obj).__name__ == "Contribution":
                funders.update(_contribution_funders(obj))
    for obj in session.dirty:
        attributes = _WATCHED.get(type(obj).__name__, False)
        if attributes is False or not _changed(obj, attributes):
            continue
        if type(obj).__name__ in ("Contribution", "OutcomeReport", "InitiativeInput"):
            # a moved row changes the old initiative as well
            history = inspect(obj).attrs["initiative_id"].history
            dirty.update(i for i in (history.deleted or ()) if i is not None)
        if type(obj).__name__ == "Contribution":
            funders.update(_contribution_funders(obj))
        initiative_id = _initiative_id_of(session, obj)
        if initiative_id is not None:
            dirty.add(initiative_id)
    for obj in session.deleted:
        if type(obj).__name__ in _WATCHED:
            initiative_id = _initiative_id_of(session, obj)
            if initiative_id is not None:
                dirty.add(initiative_id)
            if type(obj).__name__ == "Contribution":
                funders.update(_contribution_funders(obj))


def _before_commit(session: Session) -> None:
    if session.info.get(REFRESHING_KEY):
        return
    session.flush()  # after_flush collects what this commit changes
    dirty = session.info.pop(DIRTY_KEY, None)
    funders = session.info.pop(FUNDERS_KEY, set())
    if not dirty:
        return
    session.info[REFRESHING_KEY] = True
    try:
        _refresh_everything_for(session, dirty, funders)
        session.flush()
    finally:
        session.info.pop(REFRESHING_KEY, None)


def _after_rollback(session: Session) -> None:
    session.info.pop(DIRTY_KEY, None)
    session.info.pop(FUNDERS_KEY, None)


def _refresh_everything_for(
    session: Session, ids: set[int], funders: set[tuple] | None = None
) -> None:
    """Figures, series and quotes of `ids`; the funder series of `funders` (None: all of them)."""
    from marketplace.exchange.services import refresh_quotes

    for initiative_id in sorted(ids):  # a fixed order, so concurrent commits cannot deadlock
        advisory_xact_lock("initiative-figures", initiative_id, session)
    refresh_figures(ids, session)
    refresh_funder_series(session, ids, funders)
    refresh_quotes(ids, session)


def _soft_rollback(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the outermost transaction was rolled back
        _after_rollback(session)


def register_session_events() -> None:
    """Listen on every Session (Flask-SQLAlchemy's and the test suite's alike); idempotent."""
    for name, listener in (
        ("after_flush", _after_flush),
        ("before_commit", _before_commit),
        ("after_soft_rollback", _soft_rollback),
    ):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


register_session_events()


def figures_changed(initiative_id: int) -> None:
    """Hook for `impact.services.initiative_figures_changed`: queue a refresh at the next commit.

    The session events already refresh at the commit that changed the sources; this only makes
    sure a change the events cannot see (a hook call after raw SQL) is picked up. Cheap: no query.
    """
    mark_changed(db.session(), initiative_id)
