"""Portfolio pages, API and CSV: shapes, access (404 for others), a fixed number of queries."""

import csv
import io
import json
from datetime import date

import openpyxl
import pytest
from flask import url_for

from marketplace import tables
from marketplace.community.follows import follow
from marketplace.initiatives.models import Theme
from marketplace.organisations.services import accept_invitation, invite_member
from tests.queries import count_queries


@pytest.fixture
def foundation(make_user, make_org, make_initiative, give, declare_input, accept_value):
    """An organisation with two holdings (one with an accepted report) and a watched initiative."""
    staff = make_user(name="Fatima")
    org = make_org(owner=staff)
    zorg = make_initiative(name="Zorg Oost", theme=Theme.CARE)
    zon = make_initiative(name="Zon West", theme=Theme.ENERGY)
    give(staff, zorg, 300_00, date(2024, 1, 10), organisation=org)
    give(staff, zorg, 100_00, date(2024, 2, 10), organisation=org)
    give(staff, zon, 50_00, date(2024, 3, 10), organisation=org)
    declare_input(zorg, 600_00, date(2024, 1, 5))
    accept_value(zorg, "2000.00", date(2024, 1, 1), date(2024, 3, 31))
    watched = make_initiative(name="Buurtkracht")
    follow(staff, "initiative", watched.id, org.id)
    return {"staff": staff, "org": org, "zorg": zorg, "zon": zon, "watched": watched}


def test_api_portfolio_shape_and_figures(client, foundation, auth_headers):
    org, zorg = foundation["org"], foundation["zorg"]
    response = client.get(
        f"/api/v1/organisations/{org.id}/portfolio?from=2024-01&to=2024-04",
        headers=auth_headers(foundation["staff"]),
    )
    assert response.status_code == 200, response.json
    data = response.json
    assert data["funder"] == {"kind": "organisation", "id": org.id, "name": org.name}
    assert data["as_of"] == "2024-04"
    holdings = {h["initiative_id"]: h for h in data["holdings"]}
    zorg_holding = holdings[zorg.id]
    assert zorg_holding["given"] == "400.00"
    assert zorg_holding["share"] == "0.400000"  # 400 of 1000 inputs
    assert zorg_holding["attributed_social_value"] == "800.00"
    assert zorg_holding["social_return"] == "2.0000"
    assert zorg_holding["value_kind"] == {
        "fiscal": "800.00",
        "wellbeing": "0.00",
        "environmental": "0.00",
        "economic": "0.00",
    }
    assert holdings[foundation["zon"].id]["social_return"] is None
    assert data["totals"]["given"] == "450.00"
    assert data["totals"]["attributed_social_value"] == "800.00"
    assert data["totals"]["value_kind"]["fiscal"] == "800.00"
    assert data["totals"]["social_return"] == "1.7778"
    assert [p["month"] for p in data["series"]] == ["2024-01", "2024-02", "2024-03", "2024-04"]
    assert [p["given"] for p in data["series"]] == ["300.00", "400.00", "450.00", "450.00"]
    assert [p["attributed_social_value"] for p in data["series"]] == [
        "0.00",
        "0.00",
        "800.00",
        "800.00",
    ]
    assert data["watchlist"][0]["initiative_id"] == foundation["watched"].id


def test_own_portfolio_api_excludes_gifts_for_the_organisation(
    client, foundation, auth_headers, give
):
    staff = foundation["staff"]
    give(staff, foundation["zon"], 20_00, date(2024, 3, 1))
    data = client.get("/api/v1/portfolio?holding_series=true", headers=auth_headers(staff)).json
    assert data["funder"]["kind"] == "user"
    assert [h["given"] for h in data["holdings"]] == ["20.00"]
    assert data["holdings"][0]["series"][0]["given"] == "20.00"
    assert client.get("/api/v1/portfolio").status_code == 401


def test_portfolio_is_404_for_non_members_in_ui_and_api(
    client, foundation, make_user, login, auth_headers
):
    org = foundation["org"]
    stranger = make_user()
    login(stranger)
    for path in (
        f"/organisations/{org.id}/portfolio",
        f"/organisations/{org.id}/portfolio/holdings.csv",
        f"/organisations/{org.id}/portfolio/series.csv",
        f"/organisations/{org.id}/portfolio/holdings.xlsx",
        f"/organisations/{org.id}/portfolio/holdings/{foundation['zorg'].id}",
        f"/organisations/{org.id}",
    ):
        assert client.get(path).status_code == 404, path
    assert (
        client.get(
            f"/api/v1/organisations/{org.id}/portfolio", headers=auth_headers(stranger)
        ).status_code
        == 404
    )
    # the stranger's own portfolio shows nothing of the organisation's
    page = client.get("/portfolio").get_data(as_text=True)
    assert "Zorg Oost" not in page
    assert client.get(f"/portfolio/holdings/{foundation['zorg'].id}").status_code == 404


def test_viewer_can_read_the_organisation_portfolio(client, foundation, make_user, login, outbox):
    viewer = make_user(email="viewer-pf@example.org")
    _invitation, token = invite_member(
        foundation["org"].id, foundation["staff"], viewer.email, "viewer"
    )
    accept_invitation(token, viewer)
    login(viewer)
    response = client.get(f"/organisations/{foundation['org'].id}/portfolio")
    assert response.status_code == 200
    assert "Zorg Oost" in response.get_data(as_text=True)


def test_portfolio_page_shows_figures_chart_data_and_table(client, foundation, login):
    login(foundation["staff"])
    response = client.get(f"/organisations/{foundation['org'].id}/portfolio?period=all")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="portfolio-chart"' in html
    data_block = html.split('id="portfolio-chart-data">')[1].split("</script>")[0]
    chart = json.loads(data_block)
    assert chart["months"][0] == "2024-01"
    assert chart["given"][0] == "300.00"
    assert "<table" in html and "Zorg Oost" in html and "Buurtkracht" in html
    assert "#attribution" in html
    assert "<script>" not in html  # CSP: no inline scripts


def test_csv_exports_open_in_dutch_excel(client, foundation, login):
    login(foundation["staff"])
    org_id = foundation["org"].id
    response = client.get(f"/organisations/{org_id}/portfolio/holdings.csv?from=2024-01&to=2024-04")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")  # Excel reads UTF-8
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    zorg = next(r for r in rows if r["Initiatief"] == "Zorg Oost")
    assert zorg["Gegeven (EUR)"] == "400,00"  # Dutch Excel: ";" and a decimal comma
    assert zorg["Toegerekende maatschappelijke waarde (EUR)"] == "800,00"
    assert zorg["Aandeel in de inbreng"] == "0,400000"
    assert zorg["Thema"] == "Zorg & welzijn"
    series = client.get(f"/organisations/{org_id}/portfolio/series.csv?from=2024-01&to=2024-02")
    lines = list(
        csv.reader(io.StringIO(series.get_data(as_text=True).lstrip("\ufeff")), delimiter=";")
    )
    assert lines[0][0] == "Maand"
    assert lines[1][:4] == ["2024-01", "", "", "300,00"]
    assert lines[2][:4] == ["2024-02", "", "", "400,00"]


def test_csv_exports_in_english_use_commas_and_points(client, foundation, login):
    login(foundation["staff"])
    org_id = foundation["org"].id
    url = f"/organisations/{org_id}/portfolio/holdings.csv?from=2024-01&to=2024-04&lang=en"
    text = client.get(url).get_data(as_text=True).lstrip("\ufeff")
    zorg = next(r for r in csv.DictReader(io.StringIO(text)) if r["Initiative"] == "Zorg Oost")
    assert zorg["Given (EUR)"] == "400.00"
    assert zorg["Share of inputs"] == "0.400000"


def test_xlsx_exports_hold_numbers_and_dates(client, foundation, login):
    login(foundation["staff"])
    org_id = foundation["org"].id
    response = client.get(
        f"/organisations/{org_id}/portfolio/holdings.xlsx?from=2024-01&to=2024-04"
    )
    assert response.status_code == 200
    assert response.mimetype == tables.XLSX_MIMETYPE
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    header = [cell.value for cell in sheet[1]]
    rows = [dict(zip(header, row, strict=True)) for row in sheet.iter_rows(2, values_only=True)]
    zorg = next(r for r in rows if r["Initiatief"] == "Zorg Oost")
    assert zorg["Gegeven (EUR)"] == 400  # a number, not text
    assert zorg["Eerste gift"].date() == date(2024, 1, 10)
    assert zorg["Aandeel in de inbreng"] == pytest.approx(0.4)
    share_column = header.index("Aandeel in de inbreng") + 1
    assert sheet.cell(2, share_column).number_format == "0.00%"
    series = client.get(f"/organisations/{org_id}/portfolio/series.xlsx?from=2024-01&to=2024-02")
    assert openpyxl.load_workbook(io.BytesIO(series.data)).active["D2"].value == 300
    page = client.get(f"/organisations/{org_id}/portfolio").get_data(as_text=True)
    assert f"/organisations/{org_id}/portfolio/holdings.xlsx" in page


def test_bad_period_is_422_in_the_api(client, foundation, login, auth_headers):
    login(foundation["staff"])
    response = client.get(
        "/api/v1/portfolio?from=2024-05&to=2024-01", headers=auth_headers(foundation["staff"])
    )
    assert response.status_code == 422


def test_follow_and_unfollow_from_the_initiative_page(client, make_user, make_initiative, login):
    user = login(make_user())
    initiative = make_initiative(name="Volgbaar")
    page = client.get(f"/initiatives/{initiative.slug}").get_data(as_text=True)
    assert 'data-testid="follow"' in page
    response = client.post(
        "/follow",
        data={
            "subject_type": "initiative",
            "subject_id": initiative.id,
            "next": f"/initiatives/{initiative.slug}",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/initiatives/{initiative.slug}")
    assert "Volgbaar" in client.get("/portfolio").get_data(as_text=True)
    client.post(
        "/follow",
        data={"subject_type": "initiative", "subject_id": initiative.id, "action": "unfollow"},
    )
    assert "Volgbaar" not in client.get("/portfolio").get_data(as_text=True)
    assert user.id


def test_follow_for_an_organisation_needs_membership(client, foundation, make_user, login):
    login(make_user())
    response = client.post(
        "/follow",
        data={
            "subject_type": "initiative",
            "subject_id": foundation["zon"].id,
            "organisation_id": foundation["org"].id,
        },
    )
    assert response.status_code == 404


def test_portfolio_page_runs_a_fixed_number_of_queries(
    client, make_user, make_org, make_initiative, give, accept_value, login
):
    staff = make_user()
    org = make_org(owner=staff)
    login(staff)
    path = f"/organisations/{org.id}/portfolio"

    def add_holdings(n):
        for _ in range(n):
            initiative = make_initiative()
            give(staff, initiative, 100_00, date(2024, 1, 10), organisation=org)
            give(staff, initiative, 50_00, date(2024, 6, 10), organisation=org)
            accept_value(initiative, "300.00", date(2024, 1, 1), date(2024, 3, 31))

    add_holdings(2)
    client.get(path)  # warm-up: builds the comparison groups once
    few = count_queries(client, path)
    add_holdings(8)
    client.get(path)
    many = count_queries(client, path)
    api_path = f"/api/v1/organisations/{org.id}/portfolio"
    assert many == few
    assert many <= 12
    assert client.get(api_path).status_code == 401


def test_holding_rows_link_to_their_holding_page(app, client, foundation, login):
    org, zorg = foundation["org"], foundation["zorg"]
    login(foundation["staff"])
    html = client.get(f"/organisations/{org.id}/portfolio").get_data(as_text=True)
    with app.test_request_context():
        expected = url_for(
            "portfolios.organisation_holding", organisation_id=org.id, initiative_id=zorg.id
        )
    row = html.split(f'<tr data-initiative-id="{zorg.id}" data-kind="gift">')[1].split("</tr>")[0]
    assert f'<a href="{expected}">Zorg Oost</a>' in row
    assert client.get(expected).status_code == 200


def test_an_unreadable_period_shows_the_whole_portfolio_with_a_message(client, login, make_user):
    login(make_user())
    response = client.get("/portfolio?from=2026-99&to=nonsense")
    assert response.status_code == 200
    assert 'class="flash flash-error"' in response.get_data(as_text=True)
