"""Display values computed in Python rather than in template filters.

A long timeline is the one thing on these pages that grows; formatting each entry's time with
Python's strftime and building its URLs from one reversed pattern keeps a 200-entry page cheap
(Django's `date` filter and `{% url %}` cost tens of microseconds each, several times per entry).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, format_html_join
from django.utils.safestring import SafeString, mark_safe

from response.core.models import ExternalUser, Incident, TimelineEvent

_SENTINEL = 987654321


def _url_pattern(name: str, incident: Incident) -> str:
    return reverse(name, args=[incident.pk, _SENTINEL]).replace(str(_SENTINEL), "{}")


@dataclass(frozen=True)
class TimelineRow:
    entry: TimelineEvent
    local: datetime
    time: str  # 14:03:22
    iso: str
    title: str  # Friday 27 November 2026, 14:03:22 GMT
    input_value: str  # for <input type="datetime-local" step="1">
    edit_url: str
    delete_url: str
    author: str
    slack_url: str
    images: tuple[dict, ...] = ()


def entry_images(entry: TimelineEvent, image_url: str) -> tuple[dict, ...]:
    """The images of an entry (a Slack message's, response.slack.inbound.timeline.images_of):
    each links to where it is seen whole, with its thumbnail (`src`) when a copy is kept here.
    Never Slack's own thumbnail: it needs Slack's token, and the page's Content-Security-Policy
    loads only our own images. `image_url`: the image view's address, "{}" for its position."""
    images = (entry.metadata or {}).get("images") or []
    return tuple(
        {
            "name": str(image.get("name") or "image"),
            "link": str(image["link"]),
            "src": image_url.format(position) if image.get("kept") else "",
        }
        for position, image in enumerate(images)
        if isinstance(image, dict) and str(image.get("link") or "").startswith("https://")
    )


@dataclass(frozen=True)
class Day:
    day: date
    label: str
    rows: list[TimelineRow]


def _day_label(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def timeline_days(incident: Incident, entries: list[TimelineEvent]) -> list[Day]:
    """Entries grouped by day in the current (viewer's) time zone, in time order."""
    tz = timezone.get_current_timezone()
    edit, delete = (_url_pattern(n, incident) for n in ("web:edit_entry", "web:delete_entry"))
    image = (
        reverse("web:timeline_image", args=[incident.pk, _SENTINEL, _SENTINEL + 1])
        .replace(str(_SENTINEL + 1), "{}")
        .replace(str(_SENTINEL), "{entry}")
    )
    days: list[Day] = []
    for entry in entries:
        local = entry.timestamp.astimezone(tz)
        if entry.author is not None:  # read with select_related("author")
            author = entry.author.name
        else:
            author = str((entry.metadata or {}).get("by") or "")
        url = entry.url if entry.url.lower().startswith(("https://", "http://")) else ""
        row = TimelineRow(
            entry=entry,
            local=local,
            time=f"{local:%H:%M:%S}",
            iso=local.isoformat(),
            title=f"{_day_label(local.date())}, {local:%H:%M:%S %Z}",
            input_value=f"{local:%Y-%m-%dT%H:%M:%S}",
            edit_url=edit.format(entry.pk),
            delete_url=delete.format(entry.pk),
            author=author,
            slack_url=url,
            images=entry_images(entry, image.replace("{entry}", str(entry.pk))),
        )
        if not days or days[-1].day != local.date():
            days.append(Day(day=local.date(), label=_day_label(local.date()), rows=[]))
        days[-1].rows.append(row)
    return days


def person_options(people: list[ExternalUser]) -> str:
    """The <option>s of a person picker, built once per page and reused for every action."""
    return format_html_join("", '<option value="{}">{}</option>', ((p.pk, p.name) for p in people))


def select_option(options_html: str, selected: int | None) -> SafeString:
    if selected is None:
        return mark_safe(options_html)  # built by format_html_join: escaped
    needle = f'<option value="{escape(selected)}">'
    return mark_safe(
        options_html.replace(needle, f'<option value="{escape(selected)}" selected>', 1)
    )
