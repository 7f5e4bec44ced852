"""What an initiative declares: the outcome metrics it reports (with its own SROI filters) and
its inputs from outside the platform. Changing inputs sends `inputs_changed`."""

from flask_babel import gettext as _
from sqlalchemy import select

from marketplace import signals
from marketplace.errors import InvalidInput, NotFound
from marketplace.extensions import db
from marketplace.impact.access import require_editor
from marketplace.impact.models import (
    FILTER_FIELDS,
    InitiativeInput,
    InitiativeOutcome,
    InputKind,
    Metric,
)
from marketplace.impact.parsing import (
    ParseError,
    amsterdam_today,
    parse_date,
    parse_duration,
    parse_fraction,
)
from marketplace.initiatives.models import Initiative
from marketplace.money import InvalidAmount, parse_cents


def declared_outcomes(initiative: Initiative) -> list[InitiativeOutcome]:
    return list(
        db.session.scalars(
            select(InitiativeOutcome)
            .join(Metric)
            .where(InitiativeOutcome.initiative_id == initiative.id)
            .order_by(Metric.code)
        ).unique()
    )


def declare_outcome(initiative: Initiative, user, data: dict) -> tuple[InitiativeOutcome, bool]:
    """Add (or change) a metric the initiative reports, with its own filters; (outcome, created).

    Filters not given come from the metric's defaults (for a new declaration) or stay as they are.
    """
    require_editor(initiative, user)
    errors: dict[str, list[str]] = {}
    code = str(data.get("metric") or "").strip()
    metric = db.session.scalar(select(Metric).where(Metric.code == code)) if code else None
    if metric is None or not metric.active:
        raise InvalidInput(
            _("Please correct the marked fields."), {"metric": [_("Unknown metric.")]}
        )
    outcome = db.session.scalar(
        select(InitiativeOutcome).where(
            InitiativeOutcome.initiative_id == initiative.id,
            InitiativeOutcome.metric_id == metric.id,
        )
    )
    created = outcome is None
    values: dict = {}
    for name in FILTER_FIELDS:
        if data.get(name) not in (None, ""):
            try:
                values[name] = parse_fraction(data[name])
            except ParseError as error:
                errors[name] = [str(error)]
        elif created:
            values[name] = getattr(metric, f"default_{name}")
    if data.get("duration_years") not in (None, ""):
        try:
            values["duration_years"] = parse_duration(data["duration_years"])
        except ParseError as error:
            errors["duration_years"] = [str(error)]
    elif created:
        values["duration_years"] = metric.default_duration_years
    if "justification" in data:
        justification = " ".join(str(data["justification"] or "").split())
        if len(justification) > 300:
            errors["justification"] = [_("At most %(n)d characters.", n=300)]
        values["justification"] = justification
    if errors:
        raise InvalidInput(_("Please correct the marked fields."), errors)
    if created:
        outcome = InitiativeOutcome(initiative_id=initiative.id, metric=metric, **values)
        db.session.add(outcome)
    else:
        for field, value in values.items():
            setattr(outcome, field, value)
    db.session.commit()
    return outcome, created


def remove_outcome(initiative: Initiative, user, metric_code: str) -> None:
    """Stop reporting a metric; accepted reports keep their frozen valuation."""
    require_editor(initiative, user)
    outcome = db.session.scalar(
        select(InitiativeOutcome)
        .join(Metric)
        .where(InitiativeOutcome.initiative_id == initiative.id, Metric.code == metric_code)
    )
    if outcome is None:
        raise NotFound(_("This initiative does not report that metric."))
    db.session.delete(outcome)
    db.session.commit()


def declared_inputs(initiative: Initiative) -> list[InitiativeInput]:
    return list(
        db.session.scalars(
            select(InitiativeInput)
            .where(InitiativeInput.initiative_id == initiative.id)
            .order_by(InitiativeInput.received_on, InitiativeInput.id)
        )
    )


def add_input(initiative: Initiative, user, data: dict) -> InitiativeInput:
    """Declare an input from outside the platform (subsidy, own funds, volunteer time in euros)."""
    require_editor(initiative, user)
    errors: dict[str, list[str]] = {}
    source = " ".join(str(data.get("source") or "").split())
    if not source:
        errors["source"] = [_("This field is required.")]
    elif len(source) > 200:
        errors["source"] = [_("At most %(n)d characters.", n=200)]
    amount_cents = 0
    try:
        amount_cents = parse_cents(data.get("amount"))
        if amount_cents <= 0:
            errors["amount"] = [_("Enter an amount above zero.")]
    except InvalidAmount:
        errors["amount"] = [_("Enter an amount in euros, such as 5000.00.")]
    received_on = None
    try:
        received_on = parse_date(data.get("received_on"))
        if received_on > amsterdam_today():
            errors["received_on"] = [_("This date is in the future.")]
    except ParseError as error:
        errors["received_on"] = [str(error)]
    kind = InputKind.MONEY
    if data.get("kind"):
        try:
            kind = InputKind(data["kind"])
        except ValueError:
            errors["kind"] = [_("Choose money or in_kind.")]
    note = str(data.get("note") or "").strip()
    if len(note) > 500:
        errors["note"] = [_("At most %(n)d characters.", n=500)]
    if errors:
        raise InvalidInput(_("Please correct the marked fields."), errors)
    item = InitiativeInput(
        initiative_id=initiative.id,
        source=source,
        amount_cents=amount_cents,
        received_on=received_on,
        kind=kind,
        note=note,
        created_by_id=user.id,
    )
    db.session.add(item)
    db.session.commit()
    signals.notify(signals.inputs_changed, initiative_id=initiative.id)
    return item


def remove_input(initiative: Initiative, user, input_id: int) -> None:
    require_editor(initiative, user)
    item = db.session.get(InitiativeInput, input_id)
    if item is None or item.initiative_id != initiative.id:
        raise NotFound(_("Input not found."))
    db.session.delete(item)
    db.session.commit()
    signals.notify(signals.inputs_changed, initiative_id=initiative.id)
