"""The initiative page's sections from the shared figures: money raised and the impact block."""

from marketplace.figures.read import raised_cents
from marketplace.figures.schemas import social_return_json
from marketplace.figures.social_return import social_return


def funding_section(initiative) -> dict:
    """The progress bar's figure: net paid gifts."""
    return {"raised_cents": raised_cents(initiative.id)}


def impact_section(initiative) -> dict:
    """Context for impact/_initiative_block.html (`impact`), or {"impact": None} without data."""
    figures = social_return(initiative)
    if not figures.has_outcomes and not figures.series:
        return {"impact": None}
    document = social_return_json(figures)
    chart = {
        "labels": [point["month"] for point in document["series"]],
        "inputs": [point["inputs"] for point in document["series"]],
        "social_value": [point["social_value"] for point in document["series"]],
        "ratio": [point["sroi_ratio"] for point in document["series"]],
    }
    return {"impact": {"figures": figures, "document": document, "chart": chart}}
