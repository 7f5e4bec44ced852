"""The impact block of the initiative page: figures, chart data and the plain-language sentence."""

from marketplace.impact import services
from marketplace.impact.schemas import social_return_json


def impact_section(initiative) -> dict:
    """Context for impact/_initiative_block.html (`impact`), or an empty dict on no outcomes."""
    figures = services.social_return(initiative)
    if not figures.has_outcomes and not figures.series:
        return {"impact": None}
    document = social_return_json(figures)
    chart = {
        "labels": [point["month"] for point in document["series"]],
        "inputs": [point["inputs"] for point in document["series"]],
        "social_value": [point["social_value"] for point in document["series"]],
        "ratio": [point["sroi_ratio"] for point in document["series"]],
    }
    return {
        "impact": {
            "figures": figures,
            "document": document,
            "chart": chart,
        }
    }
