"""Verifiers see the participants' rating summary (verified reviews only) beside the evidence
level when they review an initiative's outcome report."""

from marketplace.events import rsvps
from marketplace.reviews import reviews
from tests.impact.conftest import declare, make_metric, make_report, verifier  # noqa: F401


def test_review_page_shows_verified_participants_summary(
    client,
    login,
    make_user,
    owner,
    initiative,
    past_event,
    verifier,  # noqa: F811
    make_metric,  # noqa: F811
    declare,  # noqa: F811
    make_report,  # noqa: F811
):
    metric = make_metric()
    declare(initiative, metric)
    report = make_report(initiative, owner, [(metric, 3)])
    guest = make_user()
    rsvp, _new = rsvps.rsvp_to_event(guest, past_event.id)
    rsvps.check_in(owner, rsvp.id)
    reviews.write_review(guest, "initiative", initiative.id, 4, "")
    reviews.write_review(make_user(), "initiative", initiative.id, 1, "")  # not verified
    login(verifier)
    page = client.get(f"/reports/{report.id}").get_data(as_text=True)
    signal = page.split('data-testid="community-signal"')[1].split("</p>")[0]
    assert "4,0" in signal or "4.0" in signal
    assert "1 " in signal  # one verified review
