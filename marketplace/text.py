"""User-written text: Markdown rendered, then sanitized with nh3 (pages, mails and PDFs alike);
text that must carry no markup at all kept as plain text."""

import html

import markdown
import nh3
from markupsafe import Markup

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "a", "blockquote", "code", "pre",
    "h2", "h3", "h4", "hr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}


def render_markdown(text: str | None) -> Markup:
    html = markdown.markdown(text or "", extensions=["tables", "sane_lists"], output_format="html")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
    )
    return Markup(clean)  # noqa: S704  (sanitized by nh3 just above)


def plain_text(value: str | None, limit: int | None = None) -> str:
    """Text without any markup (tags and their scripts gone), as people typed it otherwise.

    For what is stored and answered as typed (a review, an update's title and Markdown source),
    so no API client or feed reader ever receives a script, whatever it does with the text."""
    text = (value or "").replace("\x00", "").strip()
    for _round in range(3):  # entity-encoded tags become tags after one unescape: clean again
        cleaned = html.unescape(nh3.clean(text, tags=set()))
        if cleaned == text:
            break
        text = cleaned
    return text.strip()[:limit]
