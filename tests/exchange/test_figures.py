"""Monthly figures and quotes follow payments, inputs and reports, and never count twice.

Quotes are rebuilt by the `exchange-stale` job (`quotes.refresh_stale`), outside the payment's
transaction; `quote()` runs it as the scheduler would.
"""

from decimal import Decimal

from marketplace.accounts.models import Role
from marketplace.exchange import quotes
from marketplace.exchange.models import ExchangeQuote
from marketplace.extensions import db
from marketplace.figures import build, refresh
from marketplace.figures.models import InitiativeMonth
from marketplace.figures.read import cumulative_series, monthly_figures
from marketplace.impact import declarations, review
from marketplace.impact.models import ReportStatus, ValueKind
from marketplace.initiatives.models import InitiativeStatus
from tests.exchange.conftest import months_ago
from tests.gifts import refund


def quote(initiative):
    quotes.refresh_stale()
    db.session.expire_all()
    return db.session.get(ExchangeQuote, initiative.id)


def test_initiative_without_accepted_report_is_not_quoted(
    make_initiative, make_metric, pay, accepted_report, client
):
    initiative = make_initiative(name="Zonder rapport")
    metric = make_metric()
    pay(initiative, 10000, months_ago(2))
    accepted_report(initiative, [(metric, 5)], months_ago(1), status=ReportStatus.SUBMITTED)

    assert quote(initiative) is None
    ids = [q["initiative_id"] for q in client.get("/api/v1/exchange/quotes").json["items"]]
    assert initiative.id not in ids
    assert "Zonder rapport" not in client.get("/exchange/").get_data(as_text=True)


def test_unpublished_initiative_is_not_quoted(make_initiative, make_metric, pay, accepted_report):
    initiative = make_initiative(status=InitiativeStatus.DRAFT)
    pay(initiative, 10000, months_ago(2))
    accepted_report(initiative, [(make_metric(), 5)], months_ago(1))
    assert quote(initiative) is None


def test_monthly_rows_hold_each_month_once(
    make_initiative, make_metric, pay, declare_input, accepted_report
):
    initiative = make_initiative()
    fiscal = make_metric(proxy="100", value_kind=ValueKind.FISCAL)
    wellbeing = make_metric(proxy="2.5", value_kind=ValueKind.WELLBEING)
    pay(initiative, 10000, months_ago(3))
    pay(initiative, 5000, months_ago(3), refunded_cents=1000)
    declare_input(initiative, 20000, months_ago(2))
    accepted_report(initiative, [(fiscal, 3), (wellbeing, 10)], months_ago(2), level=4)

    rows = monthly_figures([initiative.id])[initiative.id]
    assert [(r.month, r.platform_cents, r.declared_cents) for r in rows] == [
        (months_ago(3), 14000, 0),
        (months_ago(2), 0, 20000),
    ]
    assert rows[1].value_fiscal == Decimal("300.0000")
    assert rows[1].value_wellbeing == Decimal("25.0000")
    assert [r.evidence_level for r in rows] == [None, 4]

    points = cumulative_series(rows, [months_ago(3), months_ago(2), months_ago(0)])
    assert [p.inputs_cents for p in points] == [14000, 34000, 34000]
    assert [p.value_total for p in points] == [Decimal(0), Decimal("325"), Decimal("325")]
    assert [p.has_accepted_report for p in points] == [False, True, True]


def test_payments_refresh_the_quote_without_double_counting(
    make_initiative, make_metric, pay, accepted_report
):
    initiative = make_initiative()
    accepted_report(initiative, [(make_metric(proxy="100"), 10)], months_ago(1))  # EUR 1000
    pay(initiative, 10000, months_ago(1))  # EUR 100
    assert quote(initiative).social_return == Decimal("10.000000")

    second = pay(initiative, 10000, months_ago(0))
    assert quote(initiative).inputs_cents == 20000
    assert quote(initiative).social_return == Decimal("5.000000")

    # Rebuilding from the sources, for one initiative or in full, changes nothing.
    build.rebuild_initiatives([initiative.id])
    db.session.commit()
    refresh.refresh_all()
    quotes.refresh_all()
    assert quote(initiative).inputs_cents == 20000
    assert db.session.query(InitiativeMonth).filter_by(initiative_id=initiative.id).count() == 2

    # A partial refund lowers the inputs once.
    refund(second, 5000)
    assert quote(initiative).inputs_cents == 15000
    assert quote(initiative).social_return == Decimal("6.666667")


def test_declared_inputs_count_and_removal_is_undone(
    make_initiative, make_metric, pay, declare_input, accepted_report
):
    initiative = make_initiative()
    accepted_report(initiative, [(make_metric(proxy="100"), 10)], months_ago(1))
    pay(initiative, 10000, months_ago(1))
    row = declare_input(initiative, 40000, months_ago(1))
    assert quote(initiative).inputs_cents == 50000
    assert quote(initiative).declared_cents == 40000

    declarations.remove_input(initiative, initiative.owners[0], row.id)
    assert quote(initiative).inputs_cents == 10000


def test_accepting_a_report_through_the_service_quotes_the_initiative(
    make_initiative, make_user, make_metric, pay, accepted_report
):
    owner = make_user()
    verifier = make_user(role=Role.VERIFIER)
    initiative = make_initiative(owner=owner)
    pay(initiative, 20000, months_ago(2))
    report = accepted_report(
        initiative, [(make_metric(proxy="50"), 8)], months_ago(1), status=ReportStatus.SUBMITTED
    )
    assert quote(initiative) is None

    review.review_outcome_report(report.id, verifier, "accepted", evidence_level=2)

    current = quote(initiative)
    assert current.quoted
    assert current.value_total == Decimal("400.0000")
    assert current.social_return == Decimal("2.000000")
    assert current.evidence_level == 2
    assert current.weak_evidence


def test_changes_over_3_and_12_months(make_initiative, make_metric, pay, accepted_report):
    initiative = make_initiative()
    metric = make_metric(proxy="100")
    pay(initiative, 10000, months_ago(12))  # EUR 100
    accepted_report(initiative, [(metric, 1)], months_ago(12))  # EUR 100 -> SR 1
    accepted_report(initiative, [(metric, 1)], months_ago(3))  # EUR 200 -> SR 2
    accepted_report(initiative, [(metric, 2)], months_ago(0))  # EUR 400 -> SR 4

    current = quote(initiative)
    assert current.social_return == Decimal("4.000000")
    assert current.change_3m == Decimal("1.000000")  # 4 / 2 - 1
    assert current.change_12m == Decimal("3.000000")  # 4 / 1 - 1
