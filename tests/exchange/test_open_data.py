"""Indices, the open data API and CSV, savings and the public pages, checked by hand."""

import csv
import io
from decimal import Decimal

import openpyxl

from marketplace import tables
from marketplace.exchange import quotes
from marketplace.exchange.models import ExchangeIndexPoint
from marketplace.exchange.quotes import current_month
from marketplace.extensions import db
from marketplace.geo import haversine_km, locate
from marketplace.impact.models import ValueKind
from marketplace.initiatives.models import Theme
from tests.exchange.conftest import months_ago


def month_key(month):
    return month.strftime("%Y-%m")


def seed_two_cities(make_initiative, make_metric, pay, accepted_report):
    """Utrecht (care): EUR 1000 fiscal + EUR 500 wellbeing on EUR 300 inputs, evidence 4.
    Amsterdam (care): EUR 200 fiscal on EUR 100 inputs, evidence 1 (weak)."""
    fiscal = make_metric(proxy="100", value_kind=ValueKind.FISCAL)
    wellbeing = make_metric(proxy="50", value_kind=ValueKind.WELLBEING)
    utrecht = make_initiative(name="Buurtzorg Oost", municipality="Utrecht", province="Utrecht")
    amsterdam = make_initiative(
        name="Mokum Maatjes", municipality="Amsterdam", province="Noord-Holland"
    )
    pay(utrecht, 30000, months_ago(1))
    accepted_report(utrecht, [(fiscal, 10), (wellbeing, 10)], months_ago(1), level=4)
    pay(amsterdam, 10000, months_ago(1))
    accepted_report(amsterdam, [(fiscal, 2)], months_ago(1), level=1)
    quotes.refresh_stale()  # the exchange-stale job
    return utrecht, amsterdam


def test_theme_index_is_chain_linked_from_base_100(
    make_initiative, make_metric, pay, accepted_report
):
    a = make_initiative(theme=Theme.ENERGY, municipality="Zwolle")
    b = make_initiative(theme=Theme.ENERGY, municipality="Delft")
    metric = make_metric(proxy="100", theme=Theme.ENERGY)
    pay(a, 10000, months_ago(2))
    accepted_report(a, [(metric, 10)], months_ago(2))  # A: 1000 / 100 = 10 -> base 100
    pay(a, 10000, months_ago(1))  # A: 1000 / 200 = 5 -> index 50
    pay(b, 10000, months_ago(1))
    accepted_report(b, [(metric, 40)], months_ago(1))  # B joins at 40: no jump
    quotes.refresh_stale()

    points = {
        p.month: p.value
        for p in db.session.query(ExchangeIndexPoint).filter_by(series="energy").all()
    }
    assert points == {
        months_ago(2): Decimal("100.000000"),
        months_ago(1): Decimal("50.000000"),
        months_ago(0): Decimal("50.000000"),
    }
    all_points = db.session.query(ExchangeIndexPoint).filter_by(series="all").all()
    assert len(all_points) == 3


def test_quotes_api_has_exactly_the_published_fields(
    client, make_initiative, make_metric, pay, accepted_report
):
    utrecht, amsterdam = seed_two_cities(make_initiative, make_metric, pay, accepted_report)
    body = client.get("/api/v1/exchange/quotes").json
    assert body["licence"] == "CC BY 4.0"
    assert body["as_of"] == month_key(current_month())
    items = {item["initiative_id"]: item for item in body["items"]}
    assert set(items[utrecht.id]) == {
        "initiative_id",
        "name",
        "theme",
        "municipality",
        "social_return",
        "change_3m",
        "change_12m",
        "inputs",
        "evidence_level",
    }
    assert items[utrecht.id] == {
        "initiative_id": utrecht.id,
        "name": "Buurtzorg Oost",
        "theme": "care",
        "municipality": "Utrecht",
        "social_return": "5.000000",
        "change_3m": None,
        "change_12m": None,
        "inputs": "300.00",
        "evidence_level": 4,
    }
    assert items[amsterdam.id]["social_return"] == "2.000000"
    filtered = client.get("/api/v1/exchange/quotes?municipality=Amsterdam").json["items"]
    assert [i["initiative_id"] for i in filtered] == [amsterdam.id]


def test_indices_api_lists_all_and_every_theme(
    client, make_initiative, make_metric, pay, accepted_report
):
    seed_two_cities(make_initiative, make_metric, pay, accepted_report)
    items = {i["theme"]: i["series"] for i in client.get("/api/v1/exchange/indices").json["items"]}
    assert set(items) == {"all", *(t.value for t in Theme)}
    assert items["care"][0] == {"month": month_key(months_ago(1)), "value": "100.000000"}
    assert items["energy"] == []
    assert all(isinstance(p["value"], str) for p in items["all"])


def test_savings_totals_by_hand(client, make_initiative, make_metric, pay, accepted_report):
    seed_two_cities(make_initiative, make_metric, pay, accepted_report)
    body = client.get("/api/v1/exchange/savings").json
    assert body["national"] == {"fiscal": "1200.00", "total": "1700.00"}
    assert body["by_municipality"] == [
        {"municipality": "Utrecht", "fiscal": "1000.00", "total": "1500.00"},
        {"municipality": "Amsterdam", "fiscal": "200.00", "total": "200.00"},
    ]


def test_csv_downloads_match_the_api(client, make_initiative, make_metric, pay, accepted_report):
    utrecht, _amsterdam = seed_two_cities(make_initiative, make_metric, pay, accepted_report)
    response = client.get("/exchange/quotes.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    first = rows[0]
    assert first["initiative_id"] == str(utrecht.id)
    assert (first["social_return"], first["inputs"], first["fiscal_value"]) == (
        "5.000000",
        "300.00",
        "1000.00",
    )

    savings = list(csv.reader(io.StringIO(client.get("/exchange/savings.csv").get_data(True))))
    assert savings == [
        ["municipality", "fiscal", "total"],
        ["(national)", "1200.00", "1700.00"],
        ["Utrecht", "1000.00", "1500.00"],
        ["Amsterdam", "200.00", "200.00"],
    ]
    indices = list(csv.DictReader(io.StringIO(client.get("/exchange/indices.csv").get_data(True))))
    assert {"theme": "care", "month": month_key(months_ago(1)), "value": "100.000000"}.items() <= (
        indices[[r["theme"] for r in indices].index("care")].items()
    )


def test_open_data_files_are_the_same_in_every_language(
    client, make_initiative, make_metric, pay, accepted_report
):
    seed_two_cities(make_initiative, make_metric, pay, accepted_report)
    dutch = client.get("/exchange/savings.csv?lang=nl").get_data(as_text=True)
    english = client.get("/exchange/savings.csv?lang=en").get_data(as_text=True)
    assert dutch == english  # data: "," and "." whatever the page's language
    assert dutch.startswith("municipality,fiscal,total\n")
    page = client.get("/exchange/?lang=nl").get_data(as_text=True)
    assert "databestanden" in page  # and the page says so


def test_open_data_as_xlsx(client, make_initiative, make_metric, pay, accepted_report):
    utrecht, _amsterdam = seed_two_cities(make_initiative, make_metric, pay, accepted_report)
    response = client.get("/exchange/quotes.xlsx")
    assert response.status_code == 200
    assert response.mimetype == tables.XLSX_MIMETYPE
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    header = [cell.value for cell in sheet[1]]
    first = dict(zip(header, next(sheet.iter_rows(2, values_only=True)), strict=True))
    assert first["initiative_id"] == utrecht.id
    assert (first["social_return"], first["inputs"], first["fiscal_value"]) == (5, 300, 1000)
    savings = openpyxl.load_workbook(io.BytesIO(client.get("/exchange/savings.xlsx").data))
    assert [c.value for c in savings.active[2]] == ["(national)", 1200, 1700]
    assert client.get("/exchange/indices.xlsx").status_code == 200
    assert "/exchange/quotes.xlsx" in client.get("/exchange/").get_data(as_text=True)


def test_board_filters_sorts_and_marks_weak_evidence(
    client, make_initiative, make_metric, pay, accepted_report
):
    seed_two_cities(make_initiative, make_metric, pay, accepted_report)
    html = client.get("/exchange/?sort=return&dir=asc").get_data(as_text=True)
    assert html.index("Mokum Maatjes") < html.index("Buurtzorg Oost")
    assert html.count('data-testid="weak-evidence"') == 1
    filtered = client.get("/exchange/?province=Utrecht").get_data(as_text=True)
    assert "Buurtzorg Oost" in filtered and "Mokum Maatjes" not in filtered
    assert client.get("/exchange/?sort=nonsense&page=99").status_code == 200


def test_municipality_page_lists_its_initiatives_and_totals(
    client, make_initiative, make_metric, pay, accepted_report
):
    seed_two_cities(make_initiative, make_metric, pay, accepted_report)
    make_initiative(name="Nog Niet Genoteerd", municipality="Utrecht")
    html = client.get("/exchange/municipalities/utrecht").get_data(as_text=True)
    assert "Buurtzorg Oost" in html and "Nog Niet Genoteerd" in html
    assert "Mokum Maatjes" not in html
    assert "1.000" in html  # EUR 1,000.00 public money saved (nl format)
    assert client.get("/exchange/municipalities/nergenshuizen").status_code == 404


def test_pages_render(client, make_initiative, make_metric, pay, accepted_report):
    utrecht, _ = seed_two_cities(make_initiative, make_metric, pay, accepted_report)
    for url in ("/exchange/indices", "/exchange/indices/care", "/exchange/method",
                "/exchange/savings", "/exchange/map", "/exchange/map.json",
                "/exchange/indices.json"):  # fmt: skip
        assert client.get(url).status_code == 200, url
    assert client.get("/exchange/indices/nonsense").status_code == 404
    assert 'data-testid="figures-updated"' in client.get("/exchange/").text  # how fresh
    method = client.get("/exchange/method").get_data(as_text=True)
    assert 'id="exchange-index"' in method and "CC BY 4.0" in method
    detail = client.get(f"/initiatives/{utrecht.slug}").get_data(as_text=True)
    assert 'data-testid="exchange-benchmark"' in detail
    assert "Mokum Maatjes" in detail  # the comparable elsewhere


def test_postcode_and_place_search_with_distance(client, make_initiative):
    make_initiative(name="Dichtbij", municipality="Utrecht", latitude="52.0907", longitude="5.1214")
    make_initiative(name="Veraf", municipality="Groningen", latitude="53.2194", longitude="6.5665")
    assert locate("3511 AB").name == "Utrecht"
    assert locate("utrecht").name == "Utrecht"
    assert locate("0000") is None
    # 1.1287° north = 125.5 km, 1.4451° east × cos 52.65° = 97.5 km: √(125.5² + 97.5²) ≈ 159 km
    assert round(haversine_km(52.0907, 5.1214, 53.2194, 6.5665)) == 159

    html = client.get("/exchange/map?q=3511&radius=25").get_data(as_text=True)
    assert "Dichtbij" in html and "Veraf" not in html
    assert "0 km" in html
    wide = client.get("/exchange/map?q=Utrecht&radius=200").get_data(as_text=True)
    assert wide.index("Dichtbij") < wide.index("Veraf")
    assert 'data-testid="nearby-not-found"' in client.get("/exchange/map?q=9999").get_data(True)


def test_board_pages_keep_filters(
    client, monkeypatch, make_initiative, make_metric, pay, accepted_report
):
    from marketplace.exchange import board

    seed_two_cities(make_initiative, make_metric, pay, accepted_report)
    monkeypatch.setattr(board, "PAGE_SIZE", 1)
    first = client.get("/exchange/?theme=care").get_data(as_text=True)
    assert "Buurtzorg Oost" in first and "Mokum Maatjes" not in first
    assert "page=2" in first and "theme=care" in first
    second = client.get("/exchange/?theme=care&page=2").get_data(as_text=True)
    assert "Mokum Maatjes" in second and "Buurtzorg Oost" not in second
