from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from marketplace.accounts.models import Role
from marketplace.extensions import db
from marketplace.impact import catalog
from marketplace.impact.models import Metric, MetricProxy
from marketplace.timeutil import to_amsterdam, utcnow

SHIPPED_ROWS = 43
UNSOURCED = {
    "loneliness_reduced",
    "energy_saved_kwh_household",
    "early_school_leaving_prevented",
    "unemployment_benefit_avoided",
    "police_hour_avoided",
}


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_import_seeds_every_row_and_keeps_unsourced_metrics_without_value():
    counts = catalog.import_catalog()
    assert counts["created"] == SHIPPED_ROWS
    assert count(Metric) == SHIPPED_ROWS
    assert count(MetricProxy) == SHIPPED_ROWS
    unvalued = set(
        db.session.scalars(select(Metric.code).join(MetricProxy).where(MetricProxy.value.is_(None)))
    )
    assert unvalued == UNSOURCED
    gp = catalog.get_metric("gp_visit_avoided")
    assert gp.current_proxy.value == Decimal("30.87")
    assert gp.current_proxy.price_year == 2022
    assert gp.default_deadweight == Decimal("0.25")
    assert "Kostenhandleiding" in gp.current_proxy.source_title
    work = catalog.get_metric("work_from_assistance")
    assert work.default_duration_years == 3
    assert work.current_proxy.value == Decimal("15405.96")


def test_import_twice_changes_nothing():
    catalog.import_catalog()
    again = catalog.import_catalog()
    assert again == {"created": 0, "updated": 0, "proxies": 0, "unchanged": SHIPPED_ROWS}
    assert count(MetricProxy) == SHIPPED_ROWS


def test_import_of_a_changed_proxy_adds_a_version(tmp_path):
    catalog.import_catalog(valid_from=date(2020, 1, 1))
    changed = tmp_path / "metrics.csv"
    text = catalog.CATALOG_CSV.read_text(encoding="utf-8")
    changed.write_text(text.replace(",30.87,2022,", ",33.12,2024,", 1), encoding="utf-8")
    counts = catalog.import_catalog(changed, valid_from=date(2025, 1, 1))
    assert counts["proxies"] == 1
    gp = catalog.get_metric("gp_visit_avoided")
    assert [(p.value, p.valid_from) for p in gp.proxies] == [
        (Decimal("30.87"), date(2020, 1, 1)),
        (Decimal("33.12"), date(2025, 1, 1)),
    ]


def test_cli_metrics_import_is_idempotent(runner):
    first = runner.invoke(args=["metrics", "import"])
    assert first.exit_code == 0, first.output
    assert "43 created" in first.output
    second = runner.invoke(args=["metrics", "import"])
    assert "0 created, 0 updated" in second.output


def test_metrics_api_lists_catalog_with_decimal_strings(client):
    catalog.import_catalog()
    response = client.get("/api/v1/metrics")
    assert response.status_code == 200
    items = {m["code"]: m for m in response.get_json()}
    assert len(items) == SHIPPED_ROWS
    gp = items["gp_visit_avoided"]
    assert gp["proxy_value"] == "30.87"
    assert gp["price_year"] == 2022
    assert gp["value_kind"] == "fiscal"
    assert gp["theme"] == "care"
    assert gp["default_deadweight"] == "0.25"
    assert gp["default_displacement"] == "0"
    assert gp["default_duration_years"] == 1
    assert gp["source"].startswith("Zorginstituut")
    assert set(gp) >= {
        "code", "theme", "name", "unit", "iris_id", "value_kind", "proxy_value", "price_year",
        "source", "default_deadweight", "default_displacement", "default_attribution",
        "default_drop_off", "default_duration_years",
    }  # fmt: skip
    assert items["renewable_kwh_co2"]["proxy_value"] == "0.0486"
    assert items["loneliness_reduced"]["proxy_value"] is None
    assert items["loneliness_reduced"]["iris_id"] == "PI4060"
    energy = client.get("/api/v1/metrics?theme=energy").get_json()
    assert {m["theme"] for m in energy} == {"energy"}


NEW_METRIC = {
    "code": "meals_served",
    "theme": "care",
    "name_nl": "Maaltijd geserveerd",
    "name_en": "Meal served",
    "unit": "meal",
    "value_kind": "wellbeing",
    "default_deadweight": "0.25",
    "default_duration_years": 1,
    "proxy_value": "4.50",
    "price_year": 2024,
    "source_title": "Eigen schatting",
    "source_url": "https://example.org/meals",
}


def test_only_admins_create_and_patch_metrics(client, make_user, auth_headers):
    user = auth_headers(make_user())
    assert client.post("/api/v1/metrics", json=NEW_METRIC, headers=user).status_code == 403
    assert client.post("/api/v1/metrics", json=NEW_METRIC).status_code == 401
    admin = auth_headers(make_user(role=Role.ADMIN))
    created = client.post("/api/v1/metrics", json=NEW_METRIC, headers=admin)
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["proxy_value"] == "4.50"
    patch = client.patch("/api/v1/metrics/meals_served", json={"unit": "x"}, headers=user)
    assert patch.status_code == 403


def test_patching_a_proxy_creates_a_new_version_and_keeps_the_old(client, make_user, auth_headers):
    admin = auth_headers(make_user(role=Role.ADMIN))
    client.post("/api/v1/metrics", json={**NEW_METRIC, "valid_from": "2023-01-01"}, headers=admin)
    response = client.patch(
        "/api/v1/metrics/meals_served",
        json={"proxy_value": "5.00", "price_year": 2025, "valid_from": "2025-01-01"},
        headers=admin,
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert [(p["value"], p["valid_from"]) for p in body["proxies"]] == [
        ("4.50", "2023-01-01"),
        ("5.00", "2025-01-01"),
    ]
    assert body["proxies"][1]["source_title"] == "Eigen schatting"  # carried over
    default_today = client.patch(
        "/api/v1/metrics/meals_served", json={"proxy_value": "5.25"}, headers=admin
    ).get_json()
    today_in_amsterdam = to_amsterdam(utcnow()).date()
    assert default_today["proxies"][-1]["valid_from"] == today_in_amsterdam.isoformat()


def test_metric_validation_is_422_and_saves_nothing(client, make_user, auth_headers):
    admin = auth_headers(make_user(role=Role.ADMIN))
    bad = {**NEW_METRIC, "code": "Bad Code", "default_deadweight": "1.5", "proxy_value": "-1"}
    response = client.post("/api/v1/metrics", json=bad, headers=admin)
    assert response.status_code == 422
    assert {"code", "default_deadweight"} <= set(response.get_json()["errors"])
    assert count(Metric) == 0
