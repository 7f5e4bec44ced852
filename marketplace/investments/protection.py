"""Investor protection (ECSPR art. 21): the entry knowledge test, the loss-bearing capacity
simulation, the request to be treated as sophisticated, and the checks before a subscription.

A non-sophisticated investor needs a passed test (valid two years) and a simulation before a
first investment, and acknowledges a risk warning for any subscription above the greater of
€ 1.000 and 5% of the declared net worth. An admin decides on a sophisticated declaration.
"""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.donations.urls import path_for, public_url
from marketplace.errors import InvalidInput, NotAllowed, NotFound
from marketplace.extensions import db
from marketplace.investments.knowledge import Grade, grade, load_test, unknown_answers
from marketplace.investments.models import (
    InvestorProfile,
    KnowledgeTestAttempt,
    Sophistication,
)
from marketplace.money import InvalidAmount, parse_cents
from marketplace.timeutil import as_utc, utcnow

RISK_WARNING_FLOOR_CENTS = 100_000  # € 1.000
RISK_WARNING_SHARE = 5  # % of the net worth
LOSS_CAPACITY_SHARE = 10  # % of the net worth shown as what one could bear to lose
# ECSPR Annex II, natural persons: at least two of these.
CRITERIA = ("income_or_portfolio", "financial_sector", "professional_client")
MIN_CRITERIA = 2


def profile_of(user: User) -> InvestorProfile:
    """The user's investor profile, created (not yet stored) when there is none."""
    profile = db.session.scalar(select(InvestorProfile).where(InvestorProfile.user_id == user.id))
    return profile or InvestorProfile(
        user_id=user.id, sophistication=Sophistication.NONE, criteria=[]
    )


def _stored_profile(user: User) -> InvestorProfile:
    profile = profile_of(user)
    if profile.id is None:
        db.session.add(profile)
    return profile


# --------------------------------------------------------------------- the knowledge test
def add_years(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year + years, day=28)


def valid_pass(user: User) -> KnowledgeTestAttempt | None:
    """The latest passed attempt that is still valid, or None."""
    attempt = db.session.scalar(
        select(KnowledgeTestAttempt)
        .where(KnowledgeTestAttempt.user_id == user.id, KnowledgeTestAttempt.passed.is_(True))
        .order_by(KnowledgeTestAttempt.taken_at.desc())
        .limit(1)
    )
    if attempt is None or pass_valid_until(attempt) <= utcnow():
        return None
    return attempt


def pass_valid_until(attempt: KnowledgeTestAttempt) -> datetime:
    return add_years(as_utc(attempt.taken_at), load_test().valid_years)


@dataclass(frozen=True)
class TestOutcome:
    grade: Grade
    pass_mark: int
    valid_until: datetime | None


def take_test(user: User, answers: dict, locale: str) -> TestOutcome:
    """Grade an attempt and store it; retakes are always allowed. Unknown question or choice
    ids are a 422; unanswered questions count as wrong."""
    test = load_test()
    answers = {str(k): str(v) for k, v in (answers or {}).items()}
    problems = unknown_answers(test, answers)
    if problems:
        raise InvalidInput(
            _("Some answers do not belong to this test."),
            {f"answers.{question}": [_("Unknown question or choice.")] for question in problems},
        )
    result = grade(test, answers, locale)
    attempt = KnowledgeTestAttempt(
        user_id=user.id,
        test_version=test.version,
        answers=answers,
        correct=result.correct,
        questions=result.questions,
        passed=result.passed,
        taken_at=utcnow(),
    )
    db.session.add(attempt)
    db.session.commit()
    return TestOutcome(result, test.pass_mark, pass_valid_until(attempt) if result.passed else None)


# ------------------------------------------------------------------- loss-bearing capacity
def _cents(field: str, value, errors: dict) -> int:
    try:
        return parse_cents(value)
    except InvalidAmount:
        errors[field] = [_("Enter an amount in euros (0 or more), for example 2500.")]
        return 0


def simulate_loss(user: User, net_income, liquid_assets, commitments) -> InvestorProfile:
    """Store the simulation: net worth = yearly net income + liquid assets − yearly commitments."""
    errors: dict = {}
    income = _cents("net_income", net_income, errors)
    assets = _cents("liquid_assets", liquid_assets, errors)
    owed = _cents("commitments", commitments, errors)
    if errors:
        raise InvalidInput(_("Please correct the marked fields."), errors)
    profile = _stored_profile(user)
    profile.net_income_cents, profile.liquid_assets_cents = income, assets
    profile.commitments_cents, profile.simulated_at = owed, utcnow()
    db.session.commit()
    return profile


def loss_capacity_cents(net_worth_cents: int) -> int:
    """10% of the net worth (none when it is negative)."""
    return max(net_worth_cents, 0) * LOSS_CAPACITY_SHARE // 100


def risk_warning_threshold_cents(profile: InvestorProfile) -> int:
    """Above this a subscription needs the risk warning acknowledged: max(€ 1.000, 5% net worth)."""
    net_worth = profile.net_worth_cents or 0
    return max(RISK_WARNING_FLOOR_CENTS, max(net_worth, 0) * RISK_WARNING_SHARE // 100)


# ------------------------------------------------------------------------- sophistication
def declare_sophisticated(user: User, criteria: list[str], confirmed: bool) -> InvestorProfile:
    """Ask to be treated as sophisticated: at least two criteria, and the loss of protection
    confirmed. An admin decides."""
    chosen = sorted({c for c in criteria or [] if c in CRITERIA})
    errors = {}
    if len(chosen) < MIN_CRITERIA:
        errors["criteria"] = [_("Choose at least two criteria that apply to you.")]
    if not confirmed:
        errors["confirm"] = [_("Confirm that you understand which protection you give up.")]
    if errors:
        raise InvalidInput(_("Please correct the marked fields."), errors)
    profile = _stored_profile(user)
    if profile.sophistication == Sophistication.ACCEPTED:
        return profile
    profile.criteria, profile.declared_at = chosen, utcnow()
    profile.sophistication = Sophistication.REQUESTED
    profile.decided_at = profile.decided_by_id = None
    db.session.commit()
    return profile


def decide_sophistication(admin: User, profile_id: int, accept: bool, note: str = "") -> None:
    """An admin accepts or rejects a request to be treated as sophisticated."""
    if not admin.is_admin:
        raise NotAllowed(_("Only administrators may do this."))
    profile = db.session.get(InvestorProfile, profile_id)
    if profile is None or profile.sophistication != Sophistication.REQUESTED:
        raise NotFound(_("There is no request to decide."))
    profile.sophistication = Sophistication.ACCEPTED if accept else Sophistication.REJECTED
    profile.decided_at, profile.decided_by_id = utcnow(), admin.id
    profile.decision_note = (note or "").strip()[:2000]
    db.session.commit()


def sophistication_requests() -> list[InvestorProfile]:
    return list(
        db.session.scalars(
            select(InvestorProfile)
            .where(InvestorProfile.sophistication == Sophistication.REQUESTED)
            .order_by(InvestorProfile.declared_at)
        )
    )


# ------------------------------------------------------------------- before a subscription
def next_step(user: User) -> str | None:
    """The endpoint of what a non-sophisticated investor must still do, or None."""
    profile = profile_of(user)
    if profile.is_sophisticated:
        return None
    if valid_pass(user) is None:
        return "investor.knowledge_test"
    if profile.simulated_at is None:
        return "investor.loss_simulation"
    return None


def require_may_invest(user: User) -> InvestorProfile:
    """403 with a message and a link when the test or the simulation is still to be done."""
    step = next_step(user)
    if step == "investor.knowledge_test":
        link = public_url(path_for(step))
        message = _("Pass the entry knowledge test before you invest: %(link)s", link=link)
        raise NotAllowed(message, {"knowledge_test": [link]})
    if step == "investor.loss_simulation":
        link = public_url(path_for(step))
        message = _(
            "Do the loss-bearing capacity simulation before you invest: %(link)s", link=link
        )
        raise NotAllowed(message, {"loss_simulation": [link]})
    return profile_of(user)


def needs_risk_warning(profile: InvestorProfile, amount_cents: int) -> bool:
    return not profile.is_sophisticated and amount_cents > risk_warning_threshold_cents(profile)
