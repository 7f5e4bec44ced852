"""A gift recounts one month of its funder's series (`figures.build.update_gift`), not all of
the funder's gifts: after every kind of change the row equals the full rebuild from the gifts."""

from datetime import UTC, date, datetime

from sqlalchemy import delete, select

from marketplace import signals
from marketplace.donations.models import Contribution, ContributionEvent
from marketplace.extensions import db
from marketplace.figures import build
from marketplace.figures.models import FunderSeries
from marketplace.timeutil import as_utc
from tests.gifts import refund


def _row(initiative_id: int, user_id: int | None, organisation_id: int | None):
    return db.session.execute(
        select(
            FunderSeries.first_month,
            FunderSeries.given_cents,
            FunderSeries.first_paid_at,
            FunderSeries.last_paid_at,
        ).where(
            FunderSeries.initiative_id == initiative_id,
            FunderSeries.kind == FunderSeries.GIFT,
            FunderSeries.user_id.is_(None) if user_id is None else FunderSeries.user_id == user_id,
            FunderSeries.organisation_id.is_(None)
            if organisation_id is None
            else FunderSeries.organisation_id == organisation_id,
        )
    ).one_or_none()


def _same_as_full_rebuild(initiative_id, user_id=None, organisation_id=None):
    """The stored row, after checking that a rebuild from all the funder's gifts writes it again."""
    db.session.expire_all()
    incremental = _row(initiative_id, user_id, organisation_id)
    build.rebuild_funder_series(initiative_id, user_id, organisation_id)
    db.session.commit()
    rebuilt = _row(initiative_id, user_id, organisation_id)
    assert incremental is not None
    assert tuple(incremental) == tuple(rebuilt)
    return incremental


def test_every_change_to_a_persons_gifts_leaves_the_series_of_a_full_rebuild(
    make_user, make_initiative, give
):
    donor = make_user()
    initiative = make_initiative()

    give(donor, initiative, 1_00, date(2025, 3, 20))  # the first gift
    row = _same_as_full_rebuild(initiative.id, donor.id)
    assert (row.first_month, row.given_cents) == (date(2025, 3, 1), [1_00])
    march = give(donor, initiative, 29_00, date(2025, 3, 10))  # earlier in the first month
    row = _same_as_full_rebuild(initiative.id, donor.id)
    assert as_utc(row.first_paid_at) == datetime(2025, 3, 10, 12, tzinfo=UTC)

    give(donor, initiative, 20_00, date(2025, 6, 2))  # a later month, with empty months between
    give(donor, initiative, 5_00, date(2025, 6, 20))  # the same month again, later
    give(donor, initiative, 3_00, date(2025, 6, 10))  # ... and earlier (not the last payment)
    row = _same_as_full_rebuild(initiative.id, donor.id)
    assert row.given_cents == [30_00, 30_00, 30_00, 58_00]

    give(donor, initiative, 7_00, date(2025, 1, 15))  # before the first month
    row = _same_as_full_rebuild(initiative.id, donor.id)
    assert row.first_month == date(2025, 1, 1)
    assert row.given_cents == [7_00, 7_00, 37_00, 37_00, 37_00, 65_00]

    give(donor, initiative, 4_00, date(2025, 4, 1))  # an empty month in between
    refund(march, 10_00)  # a refund in a month that is neither the first nor the last
    row = _same_as_full_rebuild(initiative.id, donor.id)
    assert row.given_cents == [7_00, 7_00, 27_00, 31_00, 31_00, 59_00]
    assert as_utc(row.first_paid_at) == datetime(2025, 1, 15, 12, tzinfo=UTC)
    assert as_utc(row.last_paid_at) == datetime(2025, 6, 20, 12, tzinfo=UTC)

    refund(march, 19_00)  # fully refunded: the month keeps only the other gift
    row = _same_as_full_rebuild(initiative.id, donor.id)
    assert row.given_cents == [7_00, 7_00, 8_00, 12_00, 12_00, 40_00]


def test_a_gift_in_the_first_amsterdam_hour_of_a_month_counts_in_that_month(
    make_user, make_initiative, give
):
    donor = make_user()
    initiative = make_initiative()
    give(donor, initiative, 10_00, date(2024, 2, 10))
    give(donor, initiative, 3_00, datetime(2024, 1, 31, 23, 30, tzinfo=UTC))  # 1 February 00:30
    give(donor, initiative, 2_00, datetime(2024, 1, 31, 22, 30, tzinfo=UTC))  # still January
    row = _same_as_full_rebuild(initiative.id, donor.id)
    assert (row.first_month, row.given_cents) == (date(2024, 1, 1), [2_00, 15_00])


def test_an_organisations_gifts_and_the_persons_own_are_separate_series(
    make_user, make_org, make_initiative, give
):
    staff = make_user()
    org = make_org(owner=staff)
    initiative = make_initiative()
    give(staff, initiative, 100_00, date(2024, 5, 10), organisation=org)
    give(staff, initiative, 8_00, date(2024, 3, 1))
    give(staff, initiative, 40_00, date(2024, 2, 10), organisation=org)
    assert _same_as_full_rebuild(initiative.id, None, org.id).given_cents == [
        40_00, 40_00, 40_00, 140_00,
    ]  # fmt: skip
    assert _same_as_full_rebuild(initiative.id, staff.id).given_cents == [8_00]


def test_a_purged_first_or_last_gift_moves_the_ends_of_the_series(make_user, make_initiative, give):
    donor = make_user()
    initiative = make_initiative()
    first = give(donor, initiative, 10_00, date(2024, 1, 10))
    give(donor, initiative, 20_00, date(2024, 3, 10))
    last = give(donor, initiative, 5_00, date(2024, 6, 10))

    for gift in (last, first):  # deleted as the fiscal purge does, which then sends the signal
        facts = {
            "contribution_id": gift.id,
            "initiative_id": initiative.id,
            "user_id": donor.id,
            "organisation_id": None,
            "paid_at": as_utc(gift.paid_at),
            "newly_paid": False,
        }
        db.session.execute(
            delete(ContributionEvent).where(ContributionEvent.contribution_id == gift.id)
        )
        db.session.execute(delete(Contribution).where(Contribution.id == gift.id))
        db.session.commit()
        signals.notify(signals.contribution_changed, **facts)

    row = _same_as_full_rebuild(initiative.id, donor.id)
    assert (row.first_month, row.given_cents) == (date(2024, 3, 1), [20_00])


def test_a_missing_row_is_rebuilt_from_all_the_funders_gifts(make_user, make_initiative, give):
    donor = make_user()
    initiative = make_initiative()
    give(donor, initiative, 10_00, date(2024, 1, 10))
    db.session.execute(delete(FunderSeries).where(FunderSeries.initiative_id == initiative.id))
    db.session.commit()
    give(donor, initiative, 20_00, date(2024, 3, 10))
    assert _same_as_full_rebuild(initiative.id, donor.id).given_cents == [10_00, 10_00, 30_00]
