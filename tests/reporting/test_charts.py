import re
from decimal import Decimal

import pytest

from marketplace.reporting.charts import Line, line_chart


def _chart(months: int) -> str:
    labels = [f"{m:02d}/26" for m in range(1, months + 1)]
    return line_chart(
        labels,
        [
            Line("Given & more", [Decimal(100 * m) for m in range(months)]),
            Line("Value", [None] + [Decimal("33.333") * m for m in range(1, months)]),
        ],
        title="Given per month",
        value_format=lambda v: f"€ {v:,.0f}",
        axis_format=lambda v: f"{v:,.0f}",
        axis_title="Amounts in euros",
        label_heading="Month",
    )


def test_svg_holds_at_most_six_month_and_four_value_labels():
    svg = re.search(r"<svg.*</svg>", _chart(24)).group(0)
    labels = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    months = [text for text in labels if "/" in text]
    assert months == ["01/26", "06/26", "10/26", "15/26", "19/26", "24/26"]
    assert [t for t in labels if "/" not in t] == ["1,000", "2,000", "3,000"]


def test_legend_and_axis_title_are_html_outside_the_svg():
    html = _chart(3)
    svg = re.search(r"<svg.*</svg>", html).group(0)
    assert "Given &amp; more" not in svg and "Amounts in euros" not in svg
    assert "<title>" not in svg
    assert '<figcaption class="chart-legend">' in html
    assert "Given &amp; more" in html.split("<svg")[0]


def test_coordinates_are_rounded_to_one_decimal():
    svg = re.search(r"<svg.*</svg>", _chart(7)).group(0)
    numbers = re.findall(r"\d+\.\d+", svg)
    assert numbers and all(len(n.split(".")[1]) == 1 for n in numbers)


def test_data_table_is_the_text_alternative():
    html = _chart(2)
    assert 'aria-hidden="true"' in html
    assert "<caption>Given per month</caption>" in html
    assert '<tr><th scope="row">01/26</th><td>€ 0</td><td>–</td></tr>' in html
    assert '<tr><th scope="row">02/26</th><td>€ 100</td><td>€ 33</td></tr>' in html


def test_value_ticks_are_round_and_cover_the_maximum():
    from marketplace.reporting.charts import _ticks

    assert _ticks(0) == [1.0]
    assert _ticks(0.4) == pytest.approx([0.1, 0.2, 0.3, 0.4])
    assert _ticks(99) == [25.0, 50.0, 75.0, 100.0]
    assert _ticks(101) == [50.0, 100.0, 150.0]
    assert _ticks(2300) == [1000.0, 2000.0, 3000.0]


def test_pdf_leaves_out_the_screen_reader_table():
    from marketplace.reporting import pdf

    pdf.configure("", "http://localhost/")
    with_table = pdf.render(f"<p>x</p>{_chart(12)}")
    assert with_table.startswith(b"%PDF")
    assert pdf._SCREEN_ONLY.sub("", _chart(12)).count("<table") == 0
