"""The viewer's time zone.

Times are stored in UTC; pages show them in the viewer's zone. The browser knows it
(`Intl.DateTimeFormat().resolvedOptions().timeZone`): static/web/response.js stores it in a `tz`
cookie, which every page reads; without a cookie (first visit, no JavaScript) pages use UTC and
say so. A cookie rather than a stored preference: it follows the device (a laptop abroad shows
local times) and needs no settings page.
"""

from __future__ import annotations

import zoneinfo
from datetime import tzinfo
from urllib.parse import unquote

from django.http import HttpRequest

COOKIE = "tz"
DEFAULT = "UTC"


def viewer_time_zone(request: HttpRequest) -> tzinfo:
    name = unquote(request.COOKIES.get(COOKIE, "")).strip()
    if name and len(name) < 64:
        try:
            return zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            pass
    return zoneinfo.ZoneInfo(DEFAULT)
