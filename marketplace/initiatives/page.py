"""What the initiative page shows beyond its own fields, gathered from the other domains.

Each domain contributes a block of figures; the page template renders what is present.
"""

from marketplace.initiatives.models import Initiative


def page_sections(initiative: Initiative) -> dict:
    sections: dict = {"raised_cents": 0, "donor_wall": []}
    return sections
