"""The Dutch UI speaks Dutch: a report's history in words (no JSON, no metric codes), units and
the SROI filters in Dutch, numbers with a decimal comma."""

from decimal import Decimal

from marketplace.impact import review


def test_report_history_is_in_words(
    client, login, owner, verifier, initiative, make_metric, declare, make_report
):
    metric = make_metric(code="ambulance_ride_avoided_test", proxy="450.50")
    metric.unit = "ride"
    declare(initiative, metric, deadweight="0.25")
    report = make_report(initiative, owner, [(metric, Decimal("12.5"))])
    review.review_outcome_report(report.id, verifier, "accepted", "", 3)

    login(owner)
    page = client.get(f"/reports/{report.id}").get_data(as_text=True)
    history = page[page.index("audit") :]
    assert "{" not in history and "ambulance_ride_avoided_test" not in history
    assert "Ingediend ter beoordeling" in history
    assert "Status: Wacht op beoordeling → Goedgekeurd" in history
    assert f"{metric.name_nl}: – → 12,5 rit" in history
    assert "450,50 per eenheid (nuleffect 25%, verplaatsing 0%" in history
    lines = page[page.index("<tbody") : page.index("audit")]
    assert "12,50 rit" in lines and "nuleffect 25%" in lines
    assert "DW " not in page and "Deadweight" not in page


def test_methodology_names_units_and_filters_in_dutch(client, make_metric):
    metric = make_metric(code="ride_code_test", deadweight="0.25")
    metric.unit = "ride"
    page = client.get("/methodology").get_data(as_text=True)
    row = page[page.index('id="metric-ride_code_test"') :][:2000]
    assert "rit" in row and ">ride<" not in row
    assert "ride_code_test</code>" not in page  # names, not codes
    assert "nuleffect 25%" in row
    assert "Deadweight" not in page and "DW " not in page
    assert "(1 − nuleffect)" in page


def test_english_keeps_english_words(client, make_metric):
    metric = make_metric(code="ride_code_en", deadweight="0.25")
    metric.unit = "ride"
    page = client.get("/methodology?lang=en").get_data(as_text=True)
    row = page[page.index('id="metric-ride_code_en"') :][:2000]
    assert "ride" in row and "deadweight 25%" in row
