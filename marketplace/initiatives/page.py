"""What the initiative page shows beyond its own fields, gathered from the other domains.

Imported only when a page is rendered, so the initiatives package does not depend on the others at
import time.
"""

from marketplace.donations import queries as donation_queries
from marketplace.exchange.views import initiative_section as exchange_section
from marketplace.impact.page import impact_section
from marketplace.initiatives.models import Initiative


def page_sections(initiative: Initiative) -> dict:
    """Funding (raised, donor wall), impact figures and the exchange's benchmark block."""
    return {
        "raised_cents": donation_queries.raised_cents(initiative.id),
        "donor_wall": donation_queries.donor_wall(initiative.id),
        **impact_section(initiative),
        "exchange": exchange_section(initiative),
    }
