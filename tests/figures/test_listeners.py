"""The shared figures follow the named signals, outside the payment's transaction: a failure there
never undoes a payment, it marks the initiative stale for the job that rebuilds it."""

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from marketplace.donations.models import Contribution, ContributionStatus
from marketplace.extensions import db
from marketplace.figures import build, gift_month, refresh
from marketplace.figures.models import InitiativeMonth, StaleFigures
from marketplace.figures.read import raised_cents
from tests.gifts import paid_gift, refund


def test_no_session_listener_rebuilds_figures_behind_anyones_back():
    session = Session()  # listeners on the Session class show on every instance
    for name in ("after_flush", "before_commit", "after_commit", "after_soft_rollback"):
        listeners = list(getattr(session.dispatch, name))
        assert not [fn for fn in listeners if "marketplace" in (fn.__module__ or "")], name


def test_a_gift_and_its_refund_move_only_their_month(make_initiative):
    initiative = make_initiative()
    first = paid_gift(initiative, 100_00, date(2025, 1, 10))
    paid_gift(initiative, 50_00, date(2025, 3, 5))
    refund(first, 30_00)

    rows = db.session.scalars(
        select(InitiativeMonth).where(InitiativeMonth.initiative_id == initiative.id)
    ).all()
    assert [(r.month, r.platform_cents) for r in rows] == [
        (date(2025, 1, 1), 70_00),  # the refund counts against the month of the payment
        (date(2025, 3, 1), 50_00),
    ]
    assert raised_cents(initiative.id) == 120_00
    # the incremental path agrees with a rebuild from all sources
    build.rebuild_initiatives([initiative.id])
    rebuilt = db.session.scalars(
        select(InitiativeMonth.platform_cents).where(InitiativeMonth.initiative_id == initiative.id)
    ).all()
    assert rebuilt == [70_00, 50_00]


def test_a_failing_figure_update_keeps_the_payment_and_marks_the_initiative_stale(
    make_initiative, monkeypatch
):
    initiative = make_initiative()

    def broken(*_args):
        raise RuntimeError("disk full")

    monkeypatch.setattr(gift_month, "update_gift", broken)
    gift = paid_gift(initiative, 25_00, date(2025, 6, 1))

    assert db.session.get(Contribution, gift.id).status == ContributionStatus.PAID  # kept
    assert raised_cents(initiative.id) == 0  # the figures missed it ...
    assert db.session.get(StaleFigures, initiative.id) is not None  # ... and know it

    monkeypatch.undo()
    assert refresh.refresh_stale() == 1  # the figures-stale job
    assert raised_cents(initiative.id) == 25_00
    assert db.session.get(StaleFigures, initiative.id) is None
    assert refresh.refresh_stale() == 0
