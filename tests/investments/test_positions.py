"""Outstanding principal, interest received, and expected against received payments."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marketplace.investments.schedules import (
    Frequency,
    Payment,
    Repayment,
    expected_vs_received,
    interest_received,
    outstanding_principal,
    repayment_schedule,
)

START = date(2025, 1, 1)
Q1, Q2, Q3, Q4 = date(2025, 4, 1), date(2025, 7, 1), date(2025, 10, 1), date(2026, 1, 1)

# € 10,000 at 4% a year, quarterly annuity over a year (worked out in test_schedules):
#   due        interest  principal   total    outstanding after
#   2025-04-01   10,000    246,281  256,281    753,719
#   2025-07-01    7,537    248,744  256,281    504,975
#   2025-10-01    5,050    251,231  256,281    253,744
#   2026-01-01    2,537    253,744  256,281          0
LOAN = repayment_schedule(
    1_000_000, "4", repayment="annuity", frequency="quarterly", term_months=12, start_date=START
)
ON_TIME = [Payment(due, 256_281) for due in (Q1, Q2, Q3, Q4)]


def test_scheduled_outstanding_principal_on_each_day():
    assert outstanding_principal(LOAN, date(2024, 12, 31)) == 0  # not lent yet
    assert outstanding_principal(LOAN, START) == 1_000_000
    assert outstanding_principal(LOAN, Q1 - timedelta(days=1)) == 1_000_000
    assert outstanding_principal(LOAN, Q1) == 753_719  # due at the end of the day
    assert outstanding_principal(LOAN, date(2025, 12, 31)) == 253_744
    assert outstanding_principal(LOAN, Q4) == 0
    assert outstanding_principal(LOAN, date(2030, 1, 1)) == 0


def test_value_on_1_january_of_a_yearly_bullet_loan():
    bullet = repayment_schedule(
        500_000, "4.5", repayment="bullet", frequency="yearly", term_months=36, start_date=START
    )
    assert [outstanding_principal(bullet, date(y, 1, 1)) for y in range(2025, 2029)] == [
        500_000,
        500_000,
        500_000,
        0,
    ]


def test_paid_on_time_nothing_is_open():
    position = expected_vs_received(LOAN, ON_TIME, date(2025, 7, 1))
    assert position.expected_interest_cents == position.received_interest_cents == 17_537
    assert position.expected_principal_cents == position.received_principal_cents == 495_025
    assert (position.arrears_cents, position.prepaid_cents, position.surplus_cents) == (0, 0, 0)
    assert position.outstanding_cents == position.scheduled_outstanding_cents == 504_975
    assert [p.is_paid for p in position.instalments] == [True, True, False, False]


def test_interest_received_per_calendar_year():
    assert interest_received(LOAN, ON_TIME, date(2024, 12, 31)) == 0
    assert interest_received(LOAN, ON_TIME, date(2025, 12, 31)) == 10_000 + 7_537 + 5_050
    assert interest_received(LOAN, ON_TIME, date(2026, 12, 31)) == 25_124
    assert LOAN.total_interest_cents == 25_124


def test_a_missed_instalment_is_in_arrears_and_still_outstanding():
    position = expected_vs_received(LOAN, ON_TIME[:1], date(2025, 7, 1))
    assert position.expected_cents == 2 * 256_281
    assert position.received_interest_cents == 10_000
    assert position.received_principal_cents == 246_281
    assert position.arrears_cents == 256_281
    assert position.outstanding_cents == 753_719
    assert position.scheduled_outstanding_cents == 504_975
    assert outstanding_principal(LOAN, date(2025, 7, 1), ON_TIME[:1]) == 753_719


def test_a_partial_payment_goes_to_interest_already_due_first():
    # Nothing paid until 15 July, then € 200: the interest of both due instalments first
    # (10,000 + 7,537), the rest (2,463) to the principal of the first.
    position = expected_vs_received(LOAN, [Payment(date(2025, 7, 15), 20_000)], date(2025, 7, 31))
    assert position.received_interest_cents == 17_537
    assert position.received_principal_cents == 2_463
    assert [(p.interest_paid_cents, p.principal_paid_cents) for p in position.instalments] == [
        (10_000, 2_463),
        (7_537, 0),
        (0, 0),
        (0, 0),
    ]
    assert position.arrears_cents == 2 * 256_281 - 20_000
    assert position.outstanding_cents == 997_537


def test_paying_ahead_goes_to_the_next_instalments_in_order():
    # € 3,000 before the first instalment is due: instalment 1 in full (256,281), then the
    # interest of instalment 2 (7,537) and 36,182 of its principal.
    payments = [Payment(date(2025, 3, 1), 300_000)]
    before = expected_vs_received(LOAN, payments, date(2025, 3, 31))
    assert before.expected_cents == 0
    assert before.prepaid_cents == 300_000
    assert before.arrears_cents == 0
    assert before.received_interest_cents == 17_537
    assert before.received_principal_cents == 282_463
    assert before.outstanding_cents == 717_537
    assert before.scheduled_outstanding_cents == 1_000_000

    after_second = expected_vs_received(LOAN, payments, Q2)
    assert after_second.arrears_cents == 2 * 256_281 - 300_000
    assert after_second.prepaid_cents == 0


def test_payments_after_the_date_do_not_count():
    position = expected_vs_received(LOAN, ON_TIME, Q1 - timedelta(days=1))
    assert position.received_cents == 0
    assert position.outstanding_cents == 1_000_000


def test_more_than_the_whole_schedule_is_surplus():
    payments = [*ON_TIME, Payment(Q4, 5)]
    position = expected_vs_received(LOAN, payments, Q4)
    assert position.surplus_cents == 5
    assert position.received_cents == 4 * 256_281 + 5
    assert position.arrears_cents == 0
    assert position.outstanding_cents == 0


def test_same_day_payments_add_up_like_one():
    split = [Payment(Q2, 100_000), Payment(Q2, 200_000)]
    one = [Payment(Q2, 300_000)]
    assert expected_vs_received(LOAN, split, Q2).instalments == (
        expected_vs_received(LOAN, one, Q2).instalments
    )


def test_payments_are_checked():
    with pytest.raises(ValueError):
        Payment(Q1, 0)
    with pytest.raises(ValueError):
        Payment(Q1, 10.5)


schedules = st.builds(
    lambda principal, rate, repayment, frequency, periods: repayment_schedule(
        principal,
        rate,
        repayment=repayment,
        frequency=frequency,
        term_months=periods * frequency.months,
        start_date=START,
    ),
    principal=st.integers(1, 10**8),
    rate=st.decimals(min_value=0, max_value=15, places=2).map(str),
    repayment=st.sampled_from(Repayment),
    frequency=st.sampled_from(Frequency),
    periods=st.integers(1, 40),
)
days = st.dates(date(2024, 6, 1), date(2040, 12, 31))


@settings(max_examples=60, deadline=None)
@given(
    schedule=schedules,
    payments=st.lists(st.builds(Payment, days, st.integers(1, 10**7)), max_size=12),
    on=days,
)
def test_received_always_reconciles_with_expected(schedule, payments, on):
    position = expected_vs_received(schedule, payments, on)
    paid = sum(p.amount_cents for p in payments if p.paid_on <= on)
    assert position.received_cents == paid
    assert position.arrears_cents >= 0
    assert position.prepaid_cents >= 0
    assert position.surplus_cents >= 0
    assert (
        position.received_interest_cents + position.received_principal_cents
        == position.expected_cents - position.arrears_cents + position.prepaid_cents
    )
    for p in position.instalments:
        assert 0 <= p.interest_paid_cents <= p.instalment.interest_cents
        assert 0 <= p.principal_paid_cents <= p.instalment.principal_cents
    if position.surplus_cents:
        assert all(p.is_paid for p in position.instalments)
    assert 0 <= position.outstanding_cents <= schedule.principal_cents
    if on >= schedule.start_date:
        assert position.outstanding_cents == (
            schedule.principal_cents - position.received_principal_cents
        )
    assert outstanding_principal(schedule, on, payments) == position.outstanding_cents


@settings(max_examples=40, deadline=None)
@given(schedule=schedules, on=days)
def test_paid_on_time_received_equals_expected(schedule, on):
    payments = [Payment(i.due_date, i.total_cents) for i in schedule.instalments if i.total_cents]
    position = expected_vs_received(schedule, payments, on)
    assert position.received_interest_cents == position.expected_interest_cents
    assert position.received_principal_cents == position.expected_principal_cents
    assert position.outstanding_cents == position.scheduled_outstanding_cents
    assert position.scheduled_outstanding_cents == outstanding_principal(schedule, on)
    assert (position.arrears_cents, position.prepaid_cents, position.surplus_cents) == (0, 0, 0)
