"""The public exchange in a real browser: the board (sort, filter, weak evidence), the Leaflet map
with its markers under the CSP, and the search by postcode with distances."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from marketplace.accounts.services import create_user
from marketplace.donations.models import Contribution, ContributionStatus
from marketplace.exchange import quotes
from marketplace.extensions import db
from marketplace.figures import refresh
from marketplace.impact.models import (
    Metric,
    MetricProxy,
    OutcomeReport,
    OutcomeReportValue,
    ReportPeriod,
    ReportStatus,
    ValueKind,
)
from marketplace.initiatives.models import Initiative, InitiativeStatus, Theme

# (slug, name, theme, municipality, province, lat, lon, paid EUR, quantity, evidence level)
SEEDS = [
    ("beurs-utrecht", "Beurs Buurthuis Utrecht", Theme.COMMUNITY, "Utrecht", "Utrecht",
     "52.0920", "5.1200", 1000, 40, 4),
    ("beurs-zeist", "Beurs Zonnedak Zeist", Theme.ENERGY, "Zeist", "Utrecht",
     "52.0890", "5.2330", 500, 5, 2),
    ("beurs-groningen", "Beurs Stadslab Groningen", Theme.COMMUNITY, "Groningen", "Groningen",
     "53.2194", "6.5665", 2000, 10, 3),
]  # fmt: skip


@pytest.fixture(scope="module")
def seeded(live_server):
    app = live_server.app
    with app.app_context():
        if db.session.query(Initiative).filter_by(slug="beurs-utrecht").first() is None:
            owner = create_user(
                "beurs-eigenaar@example.org", "een-goed-wachtwoord", "Eigenaar", confirmed=True
            )
            metric = Metric(
                code="beurs_browser_metric", theme=Theme.COMMUNITY, name_nl="Deelnemer",
                name_en="Participant", unit="person", value_kind=ValueKind.FISCAL,
            )  # fmt: skip
            metric.proxies.append(
                MetricProxy(value=Decimal("100"), price_year=2024, valid_from=date(2000, 1, 1))
            )
            db.session.add(metric)
            db.session.flush()
            for slug, name, theme, town, province, lat, lon, paid, quantity, level in SEEDS:
                initiative = Initiative(
                    slug=slug, name=name, theme=theme, municipality=town, province=province,
                    latitude=Decimal(lat), longitude=Decimal(lon),
                    status=InitiativeStatus.PUBLISHED, funding_goal_cents=100000,
                )  # fmt: skip
                initiative.owners.append(owner)
                db.session.add(initiative)
                db.session.flush()
                db.session.add(
                    Contribution(
                        initiative_id=initiative.id,
                        amount_cents=paid * 100,
                        provider="simulator",
                        status=ContributionStatus.PAID,
                        paid_at=datetime(2024, 3, 10, tzinfo=UTC),
                    )  # fmt: skip
                )
                report = OutcomeReport(
                    initiative_id=initiative.id, period=ReportPeriod.MONTH,
                    period_start=date(2024, 3, 1), period_end=date(2024, 3, 31),
                    status=ReportStatus.ACCEPTED, evidence_level=level,
                )  # fmt: skip
                report.values.append(
                    OutcomeReportValue(
                        metric_id=metric.id,
                        quantity=Decimal(quantity),
                        proxy_id=metric.proxies[0].id,
                        deadweight=Decimal(0),
                        displacement=Decimal(0),
                        attribution=Decimal(0),
                        drop_off=Decimal(0),
                        duration_years=1,
                    )  # fmt: skip
                )
                db.session.add(report)
            db.session.commit()
            # Loaded in bulk, as an import would: rebuilt as `figures refresh` and
            # `exchange refresh` do.
            refresh.refresh_all()
            quotes.refresh_all()
    return live_server


def test_exchange_home_board_sorts_filters_and_marks_weak_evidence(seeded, page):
    page.goto(seeded.url + "/exchange/")
    board = page.get_by_test_id("board")
    expect(board).to_contain_text("Beurs Buurthuis Utrecht")
    expect(board).to_contain_text("Beurs Zonnedak Zeist")
    weak = board.locator("tr", has_text="Beurs Zonnedak Zeist").get_by_test_id("weak-evidence")
    expect(weak).to_be_visible()
    expect(page.get_by_test_id("national-counter")).to_be_visible()

    page.locator("a[data-sort=name]").click()
    expect(page.locator("th:has(a[data-sort=name])")).to_have_attribute("aria-sort", "descending")

    filters = page.get_by_test_id("board-filters")
    filters.locator("select[name=province]").select_option("Groningen")
    filters.locator("button[type=submit]").click()
    expect(board).to_contain_text("Beurs Stadslab Groningen")
    expect(board).not_to_contain_text("Beurs Buurthuis Utrecht")


def test_index_chart_draws_under_the_csp(seeded, page):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(seeded.url + "/exchange/indices/community")
    expect(page.locator("canvas#index-chart[data-drawn='1']")).to_be_attached()
    assert errors == []


def placed_initiatives(live_server) -> int:
    """Published initiatives on the map (other browser tests add their own to the live server)."""
    with live_server.app.app_context():
        return (
            db.session.query(Initiative)
            .filter(
                Initiative.status == InitiativeStatus.PUBLISHED, Initiative.latitude.is_not(None)
            )
            .count()
        )


def test_map_shows_the_initiatives(seeded, page):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(seeded.url + "/exchange/map")
    expect(page.locator(".leaflet-container")).to_be_visible()
    markers = placed_initiatives(seeded)
    assert markers >= 3
    expect(page.get_by_test_id("map")).to_have_attribute("data-markers", str(markers))
    expect(page.locator("path.leaflet-interactive")).to_have_count(markers)
    assert errors == []


def test_postcode_search_lists_nearby_initiatives_with_distance(seeded, page):
    page.goto(seeded.url + "/exchange/map")
    search = page.get_by_test_id("nearby-search")
    search.locator("input[name=q]").fill("3511 AB")
    search.locator("select[name=radius]").select_option("25")
    search.locator("button[type=submit]").click()
    results = page.get_by_test_id("nearby-results")
    expect(results.locator("li")).to_have_count(2)
    expect(results.locator("li").first).to_contain_text("Beurs Buurthuis Utrecht")
    expect(results.locator("li").first.get_by_test_id("distance")).to_contain_text("km")
    expect(results.locator("li").nth(1)).to_contain_text("Beurs Zonnedak Zeist")
    expect(results).not_to_contain_text("Groningen")
    markers = placed_initiatives(seeded)
    expect(page.locator("path.leaflet-interactive")).to_have_count(markers + 1)  # + the radius
