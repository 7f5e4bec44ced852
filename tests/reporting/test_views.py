"""Archive, API, preferences and one-click unsubscribe."""

from sqlalchemy import select

from marketplace.extensions import db
from marketplace.reporting import preferences, runs
from marketplace.reporting.models import Cadence, Report, ReportPreference
from tests.reporting.conftest import at


def build_report_for(user, make_initiative, pay, name="Archief Initiatief"):
    pay(user, make_initiative(name=name), 4000, at(2026, 10, 2))
    runs.run_due_reports("2026-10", now=at(2026, 11, 1, 6))
    return db.session.scalar(
        select(Report).where(Report.owner_type == "user", Report.owner_id == user.id)
    )


def test_archive_shows_own_report_and_pdf(app, client, login, make_user, make_initiative, pay):
    donor = make_user()
    report = build_report_for(donor, make_initiative, pay)
    login(donor)

    listing = client.get("/impact-reports")
    page = client.get(f"/impact-reports/{report.id}")
    pdf = client.get(f"/impact-reports/{report.id}/pdf")

    assert report.title in listing.get_data(as_text=True)
    assert "Archief Initiatief" in page.get_data(as_text=True)
    assert "<svg" in page.get_data(as_text=True)
    assert pdf.status_code == 200
    assert pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF")


def test_someone_elses_report_is_not_found(app, client, login, make_user, make_initiative, pay):
    report = build_report_for(make_user(), make_initiative, pay)
    login(make_user())
    assert client.get(f"/impact-reports/{report.id}").status_code == 404
    assert client.get(f"/impact-reports/{report.id}/pdf").status_code == 404


def test_api_lists_and_downloads_own_reports_only(
    app, client, auth_headers, make_user, make_initiative, pay
):
    donor = make_user()
    report = build_report_for(donor, make_initiative, pay)
    mine = auth_headers(donor)
    theirs = auth_headers(make_user())

    listing = client.get("/api/v1/reports", headers=mine).get_json()
    detail = client.get(f"/api/v1/reports/{report.id}", headers=mine)
    pdf = client.get(f"/api/v1/reports/{report.id}/pdf", headers=mine)

    assert [item["id"] for item in listing["items"]] == [report.id]
    assert listing["items"][0]["period_start"] == "2026-10-01"
    assert detail.get_json()["owner_type"] == "user"
    assert pdf.data.startswith(b"%PDF")
    assert client.get(f"/api/v1/reports/{report.id}", headers=theirs).status_code == 404
    assert client.get(f"/api/v1/reports/{report.id}/pdf", headers=theirs).status_code == 404
    assert client.get("/api/v1/reports/", headers=theirs).status_code in (200, 308, 404)
    assert client.get("/api/v1/reports").status_code == 401


def test_preferences_page_saves_choice(app, client, login, make_user):
    user = login(make_user())

    response = client.post("/impact-reports/preferences", data={"cadence": "quarterly"})

    assert response.status_code == 302
    preference = db.session.scalar(
        select(ReportPreference).where(ReportPreference.user_id == user.id)
    )
    assert (preference.cadence, preference.reminders) == (Cadence.QUARTERLY, False)


def test_unsubscribe_link_works_without_login(app, client, make_user):
    user = make_user()
    token = preferences.unsubscribe_token(user, "reports")

    confirm = client.get(f"/impact-reports/unsubscribe/{token}")
    assert confirm.status_code == 200
    assert preferences.preference_for(user).cadence == Cadence.MONTHLY  # GET changes nothing

    done = client.post(f"/impact-reports/unsubscribe/{token}")
    assert done.status_code == 200
    assert preferences.preference_for(user).cadence == Cadence.OFF


def test_one_click_post_needs_no_session_or_csrf_token(app, client, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    user = make_user()
    token = preferences.unsubscribe_token(user, "reminders")

    response = client.post(
        f"/impact-reports/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"}
    )

    assert response.status_code == 204
    assert preferences.preference_for(user).reminders is False
    # other forms still require the token
    assert client.post("/impact-reports/preferences", data={"cadence": "off"}).status_code in (
        302,
        400,
    )


def test_tampered_unsubscribe_token_is_not_found(app, client, make_user):
    token = preferences.unsubscribe_token(make_user(), "reports")
    assert client.post(f"/impact-reports/unsubscribe/{token}x").status_code == 404
