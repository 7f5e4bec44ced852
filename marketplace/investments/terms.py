"""An offer's terms from a form or JSON: every field checked, every problem named per field.

`clean_terms` returns model values (cents, Decimal rate, aware UTC datetimes, enums) or raises
InvalidInput (422) with field errors: a negative rate, a term of 0 or a close before the opening
are refused here, before anything is stored.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _

from marketplace.errors import InvalidInput
from marketplace.investments.models import OfferKind
from marketplace.investments.schedules import Frequency, Repayment
from marketplace.money import InvalidAmount, parse_cents
from marketplace.timeutil import AMSTERDAM, as_utc

TEXT_LIMITS = {"title": 200, "use_of_proceeds": 20000, "risks": 20000}
MONEY_FIELDS = ("target", "minimum", "maximum", "unit_price")
FIELDS = (
    "kind", "title", "target", "minimum", "maximum", "unit_price", "interest_rate", "term_months",
    "repayment", "frequency", "opens_at", "closes_at", "all_or_nothing", "use_of_proceeds",
    "risks",
)  # fmt: skip
MAX_RATE = Decimal("99.99")
MAX_TERM_MONTHS = 600
# The crowdfunding regulation's ceiling per project owner over twelve months.
MAX_TARGET_CENTS = 5_000_000_00


class _Errors(dict):
    def add(self, field: str, message: str) -> None:
        self.setdefault(field, []).append(message)


def parse_moment(value, *, end_of_day: bool = False) -> datetime:
    """An aware UTC datetime from a datetime or an ISO string; a naive time or a bare date is
    Amsterdam time (a bare closing date means the end of that day). ValueError if unreadable."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value + timedelta(days=end_of_day), time(0))
    else:
        text = str(value or "").strip()
        if not text:
            raise ValueError("empty")
        if len(text) == 10:
            day = date.fromisoformat(text)
            moment = datetime.combine(day + timedelta(days=end_of_day), time(0))
        else:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=AMSTERDAM)
    return as_utc(moment)


def parse_rate(value) -> Decimal:
    """ "4.50" -> Decimal("4.50"); ValueError for anything else than 0–99.99 with ≤ 2 decimals."""
    if isinstance(value, bool | float):
        raise ValueError("not a decimal string")
    try:
        rate = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        raise ValueError("not a number") from None
    if not rate.is_finite() or rate.as_tuple().exponent < -2:
        raise ValueError("at most two decimals")
    return rate.quantize(Decimal("0.01"))


def _money(data: dict, field: str, errors: _Errors) -> int | None:
    value = data.get(field)
    if value in (None, ""):
        return None
    try:
        cents = parse_cents(value)
    except InvalidAmount:
        errors.add(field, _("Enter an amount in euros, for example 250 or 250.50."))
        return None
    if cents <= 0:
        errors.add(field, _("Must be more than zero."))
        return None
    return cents


def _choice(data: dict, field: str, enum, errors: _Errors):
    value = data.get(field)
    if value in (None, ""):
        return None
    try:
        return enum(value)
    except ValueError:
        errors.add(
            field, _("Choose one of: %(options)s.", options=", ".join(e.value for e in enum))
        )
        return None


def _text(data: dict, clean: dict, errors: _Errors) -> None:
    for field, limit in TEXT_LIMITS.items():
        if field in data:
            text = str(data.get(field) or "").strip()
            if len(text) > limit:
                errors.add(field, _("At most %(n)d characters.", n=limit))
            clean[field] = text


def _rate_and_term(data: dict, clean: dict, errors: _Errors) -> None:
    if data.get("interest_rate") not in (None, ""):
        try:
            rate = parse_rate(data["interest_rate"])
        except ValueError:
            errors.add("interest_rate", _("Enter a yearly percentage, for example 4.50."))
        else:
            if rate < 0:
                errors.add("interest_rate", _("The interest rate cannot be negative."))
            elif rate > MAX_RATE:
                errors.add("interest_rate", _("At most %(max)s%%.", max="99.99"))
            else:
                clean["interest_rate"] = rate
    if data.get("term_months") not in (None, ""):
        try:
            term = int(str(data["term_months"]).strip())
        except ValueError:
            errors.add("term_months", _("Enter a whole number of months."))
        else:
            if term <= 0:
                errors.add("term_months", _("The term must be at least one month."))
            elif term > MAX_TERM_MONTHS:
                errors.add("term_months", _("At most %(n)d months.", n=MAX_TERM_MONTHS))
            else:
                clean["term_months"] = term


def _moments(data: dict, clean: dict, errors: _Errors) -> None:
    for field in ("opens_at", "closes_at"):
        if data.get(field) not in (None, ""):
            try:
                clean[field] = parse_moment(data[field], end_of_day=field == "closes_at")
            except (ValueError, TypeError):
                errors.add(field, _("Enter a date, for example 2026-05-01."))


def _read(data: dict) -> tuple[dict, _Errors]:
    errors = _Errors()
    clean: dict = {}
    for field, enum in (("kind", OfferKind), ("repayment", Repayment), ("frequency", Frequency)):
        if field in data:
            clean[field] = _choice(data, field, enum, errors)
    for field in MONEY_FIELDS:
        if field in data:
            clean[f"{field}_cents"] = _money(data, field, errors)
    _text(data, clean, errors)
    _rate_and_term(data, clean, errors)
    _moments(data, clean, errors)
    if "all_or_nothing" in data and data["all_or_nothing"] is not None:
        clean["all_or_nothing"] = bool(data["all_or_nothing"])
    return clean, errors


def _check_kind(terms: dict, errors: _Errors) -> None:
    """What each kind needs: units for shares and bonds, a schedule for loans and bonds."""
    kind = terms.get("kind")
    if kind is None:
        return
    if kind.has_units and not terms.get("unit_price_cents"):
        errors.add("unit_price", _("Shares and bonds need a price per unit."))
    if kind == OfferKind.LOAN:
        terms["unit_price_cents"] = None
    if kind == OfferKind.MEMBER_SHARE:
        # Member shares carry no interest and no schedule: a member is repaid the nominal value.
        terms.update(
            interest_rate=Decimal("0.00"), term_months=None, repayment=None, frequency=None
        )
        return
    for field in ("term_months", "repayment", "frequency"):
        if not terms.get(field):
            errors.add(field, _("Required for a loan or a bond."))
    term, frequency = terms.get("term_months"), terms.get("frequency")
    if term and frequency and term % frequency.months:
        errors.add(
            "term_months",
            _("Must be a multiple of %(n)d months for this frequency.", n=frequency.months),
        )


def _check_amounts(terms: dict, errors: _Errors) -> None:
    target, minimum, maximum = (terms.get(f"{f}_cents") for f in ("target", "minimum", "maximum"))
    unit = terms.get("unit_price_cents")
    if target and target > MAX_TARGET_CENTS:
        errors.add("target", _("At most € 5.000.000 (the crowdfunding regulation's ceiling)."))
    if minimum and maximum and maximum < minimum:
        errors.add("maximum", _("The maximum cannot be below the minimum."))
    if maximum and target and maximum > target:
        errors.add("maximum", _("The maximum cannot be above the target."))
    if unit and terms.get("kind") and terms["kind"].has_units:
        for field in ("target", "minimum", "maximum"):
            cents = terms.get(f"{field}_cents")
            if cents and cents % unit:
                errors.add(field, _("Must be a whole number of units."))


def clean_terms(data: dict, current: dict | None = None) -> dict:
    """The offer's terms after `data` is applied to `current` (the stored values), checked
    together; raises InvalidInput with field errors."""
    clean, errors = _read(data)
    terms = {**(current or {}), **{k: v for k, v in clean.items() if v is not None}}
    for field in ("unit_price_cents", "term_months", "repayment", "frequency"):
        if field in clean and clean[field] is None and not errors.get(field.removesuffix("_cents")):
            terms[field] = None  # explicitly emptied
    required = ("kind", "title", "target", "minimum", "maximum", "opens_at", "closes_at")
    for field in required:
        key = f"{field}_cents" if field in MONEY_FIELDS else field
        if not terms.get(key) and field not in errors:
            errors.add(field, _("Required."))
    _check_kind(terms, errors)
    _check_amounts(terms, errors)
    opens, closes = terms.get("opens_at"), terms.get("closes_at")
    if opens and closes and closes <= opens:
        errors.add("closes_at", _("The offer must close after it opens."))
    if errors:
        raise InvalidInput(_("Please correct the marked fields."), dict(errors))
    terms.setdefault("interest_rate", Decimal("0.00"))
    return {key: value for key, value in terms.items() if key in TERM_COLUMNS}


TERM_COLUMNS = (
    "kind", "title", "target_cents", "minimum_cents", "maximum_cents", "unit_price_cents",
    "interest_rate", "term_months", "repayment", "frequency", "opens_at", "closes_at",
    "all_or_nothing", "use_of_proceeds", "risks",
)  # fmt: skip
# Terms an investor has subscribed to: they cannot change while subscriptions exist.
FINANCIAL_TERMS = (
    "kind", "unit_price_cents", "interest_rate", "term_months", "repayment", "frequency",
)  # fmt: skip


def terms_of(offer) -> dict:
    """The stored terms of an offer, as `clean_terms` returns them."""
    return {column: getattr(offer, column) for column in TERM_COLUMNS}
