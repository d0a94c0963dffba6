"""The four classic severities Response starts with. Teams change them in the admin."""

from __future__ import annotations

from typing import Any

DEFAULT_SEVERITIES = [
    # slug, name, rank, emoji, description, minutes between status updates (None: not asked)
    ("critical", "Critical", 1, "⛈️", "A major outage: many customers affected, act now.", 30),
    ("major", "Major", 2, "🌧️", "Significant degradation for some customers.", 60),
    ("minor", "Minor", 3, "🌦️", "Limited impact; a workaround exists.", None),
    ("trivial", "Trivial", 4, "🌤️", "Little or no customer impact.", None),
]


def seed_default_severities(model: Any = None) -> None:  # a historical model in migrations
    """Create the default severities that are missing (by slug); never changes existing ones."""
    if model is None:
        from response.core.models import Severity as model
    for slug, name, rank, emoji, description, cadence in DEFAULT_SEVERITIES:
        if model.objects.filter(slug=slug).exists() or model.objects.filter(rank=rank).exists():
            continue
        model.objects.create(
            slug=slug,
            name=name,
            rank=rank,
            emoji=emoji,
            description=description,
            update_cadence_mins=cadence,
        )
