"""What the initiative page shows beyond its own fields, gathered from the other domains.

Each domain contributes a block of figures; the page template renders what is present.
"""

from marketplace.initiatives.models import Initiative


def page_sections(initiative: Initiative) -> dict:
    sections: dict = {"raised_cents": 0, "donor_wall": []}
    from marketplace.donations import queries as donation_queries

    sections["raised_cents"] = donation_queries.raised_cents(initiative.id)
    sections["donor_wall"] = donation_queries.donor_wall(initiative.id)
    from marketplace.impact.page import impact_section

    sections.update(impact_section(initiative))
    from marketplace.exchange.views import initiative_section as exchange_section

    sections["exchange"] = exchange_section(initiative)
    return sections
