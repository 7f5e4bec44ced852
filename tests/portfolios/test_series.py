"""The precomputed running totals a portfolio reads (figures: initiative_series and funder_series)
follow every change to gifts, inputs and accepted reports, through the named signals."""

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select

from marketplace.extensions import db
from marketplace.figures.build import funder_series_row, series_row
from marketplace.figures.models import FunderSeries, InitiativeSeries
from tests.gifts import refund


def _month(day, platform=0, declared=0, fiscal="0", wellbeing="0", level=None):
    return {
        "month": day,
        "platform_cents": platform,
        "declared_cents": declared,
        "volunteer_cents": 0,
        "invested_cents": 0,
        "value_fiscal": Decimal(fiscal),
        "value_wellbeing": Decimal(wellbeing),
        "value_environmental": Decimal(0),
        "value_economic": Decimal(0),
        "evidence_level": level,
    }


def test_series_row_carries_totals_over_months_without_figures():
    row = series_row(
        7,
        [
            _month(date(2024, 1, 1), platform=100_00),
            _month(date(2024, 3, 1), declared=50_00, fiscal="12.3456", level=2),
            _month(date(2024, 4, 1), wellbeing="0.0001", level=2),
        ],
    )
    assert row["first_month"] == date(2024, 1, 1)
    assert row["inputs_cents"] == [100_00, 100_00, 150_00, 150_00]
    assert row["value_units"] == [0, 0, 123456, 123457]  # 1/10,000 euro, exact
    assert row["value_units_by_kind"] == [[0, 0, 123456, 123456], [0, 0, 0, 1], [0] * 4, [0] * 4]
    assert row["accepted_from"] == date(2024, 3, 1)
    assert series_row(7, []) is None


def test_funder_series_row_groups_by_amsterdam_month():
    paid = [
        (datetime(2023, 12, 31, 23, 30, tzinfo=UTC), 10_00),  # 1 January 00:30 in Amsterdam
        (datetime(2024, 1, 20, 12, tzinfo=UTC), 5_00),
        (datetime(2024, 3, 2, 12, tzinfo=UTC), -2_00),  # net of a later refund
    ]
    row = funder_series_row(3, None, 9, paid)
    assert row["first_month"] == date(2024, 1, 1)
    assert row["given_cents"] == [15_00, 15_00, 13_00]
    assert (row["first_paid_at"], row["last_paid_at"]) == (paid[0][0], paid[-1][0])


def test_series_follow_gifts_refunds_and_reports(
    make_user, make_org, make_initiative, give, declare_input, accept_value
):
    staff = make_user()
    org = make_org(owner=staff)
    initiative = make_initiative()
    give(staff, initiative, 100_00, date(2024, 1, 10), organisation=org)
    gift = give(staff, initiative, 40_00, date(2024, 3, 10), organisation=org)
    give(staff, initiative, 7_00, date(2024, 2, 1))  # the person's own gift
    declare_input(initiative, 60_00, date(2024, 2, 5))
    accept_value(initiative, "300.00", date(2024, 1, 1), date(2024, 3, 31))

    refund(gift, 15_00)

    series = db.session.get(InitiativeSeries, initiative.id)
    assert series.first_month == date(2024, 1, 1)
    assert series.inputs_cents == [100_00, 100_00 + 7_00 + 60_00, 100_00 + 7_00 + 60_00 + 25_00]
    assert series.value_units == [0, 0, 300_0000]
    assert series.accepted_from == date(2024, 3, 1)

    rows = db.session.scalars(
        select(FunderSeries).where(FunderSeries.initiative_id == initiative.id)
    ).all()
    by_funder = {(r.user_id, r.organisation_id): r for r in rows}
    assert by_funder[(None, org.id)].given_cents == [100_00, 100_00, 125_00]
    assert by_funder[(staff.id, None)].given_cents == [7_00]
    assert by_funder[(staff.id, None)].first_month == date(2024, 2, 1)


def test_a_gift_rewrites_only_its_own_funders_row(make_user, make_org, make_initiative, give):
    first, second = make_user(), make_user()
    org = make_org(owner=first)
    initiative = make_initiative()
    give(first, initiative, 10_00, date(2024, 1, 10), organisation=org)
    give(second, initiative, 20_00, date(2024, 1, 11))

    def row(user_id, organisation_id):
        return db.session.scalar(
            select(FunderSeries).where(
                FunderSeries.initiative_id == initiative.id,
                FunderSeries.user_id.is_(user_id)
                if user_id is None
                else FunderSeries.user_id == user_id,
                FunderSeries.organisation_id.is_(organisation_id)
                if organisation_id is None
                else FunderSeries.organisation_id == organisation_id,
            )
        )

    row(None, org.id).given_cents = [999]  # a marker: a rebuild would write [1000] again
    db.session.commit()
    give(second, initiative, 5_00, date(2024, 2, 1))
    db.session.expire_all()
    assert row(None, org.id).given_cents == [999]  # not touched by the other funder's gift
    assert row(second.id, None).given_cents == [20_00, 25_00]
