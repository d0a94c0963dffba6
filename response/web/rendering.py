"""Markdown for the text people write (summary, impact), rendered safely.

Markdown passes raw HTML through, so its output is never trusted: nh3 (ammonia) keeps only the tags
and attributes below, drops every `on*` handler and `style`, and allows only the link schemes below
(no `javascript:`, no `data:`). Links get rel="noopener noreferrer nofollow".
"""

from __future__ import annotations

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "kbd", "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table",
    "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"align"}, "td": {"align"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "slack"}
EXTENSIONS = ["fenced_code", "tables", "sane_lists", "nl2br"]


def render_markdown(text: str) -> SafeString:
    html = markdown.markdown(text or "", extensions=EXTENSIONS, output_format="html")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    return mark_safe(clean)  # sanitised by nh3 just above
