from __future__ import annotations

from datetime import timedelta

from django import template
from django.utils.safestring import SafeString

from response.web.presenters import select_option
from response.web.rendering import render_markdown

register = template.Library()


@register.filter
def markdown(text: str) -> SafeString:
    return render_markdown(text)


@register.filter
def duration(value: timedelta | None) -> str:
    """A short human duration: 45s, 12m, 3h 5m, 2d 4h."""
    if value is None:
        return ""
    seconds = max(int(value.total_seconds()), 0)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h" if hours else f"{days}d"
    if hours:
        return f"{hours}h {minutes}m" if minutes else f"{hours}h"
    if minutes:
        return f"{minutes}m"
    return f"{secs}s"


@register.filter
def severity_class(severity) -> str:
    return f"sev sev-{min(severity.rank, 5)}" if severity else "sev sev-none"


@register.filter
def is_web_url(url: str) -> bool:
    """Links we print as-is: only http(s), never `javascript:` or `data:`."""
    return isinstance(url, str) and url.lower().startswith(("https://", "http://"))


@register.filter
def done_count(actions) -> int:
    return sum(1 for action in actions if action.done)


@register.filter
def md_line(text: str) -> str:
    """Text on one Markdown list line: newlines folded so the list stays a list."""
    return " ".join((text or "").split())


@register.filter
def md_cell(text: str) -> str:
    """Text in a Markdown table's cell: a "|" would end the cell."""
    return (text or "").replace("|", "\\|")


@register.filter
def selected(options_html: str, value) -> SafeString:
    """`{{ people_options|selected:action.owner_id }}`: the shared <option>s, one selected."""
    return select_option(options_html, value)
