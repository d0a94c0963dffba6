"""Channel names: lowercase, at most 80 characters, letters, digits, hyphens and underscores."""

from __future__ import annotations

import re
import unicodedata

MAX_LENGTH = 80


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def clean_channel_name(name: str) -> str:
    """What a person typed in `rename`, made acceptable to Slack (or "" if nothing is left)."""
    name = name.strip().lstrip("#").lower()
    name = re.sub(r"[^a-z0-9_\-]+", "-", unicodedata.normalize("NFKD", name))
    return re.sub(r"-{2,}", "-", name).strip("-")[:MAX_LENGTH]


def channel_name(incident_id: int, title: str, *, template: str, attempt: int = 0) -> str:
    """`inc-42-payments-are-failing`; on later attempts (name taken) `…-2`, `…-3`."""
    suffix = f"-{attempt + 1}" if attempt else ""
    base = template.format(id=incident_id, slug="")
    room = MAX_LENGTH - len(base) - len(suffix)
    slug = slugify(title)[: max(room, 0)].strip("-")
    name = template.format(id=incident_id, slug=slug).strip("-")
    return clean_channel_name(name)[: MAX_LENGTH - len(suffix)] + suffix
