"""Keeping a copy of an image on the timeline, for the incident page."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from response.core.errors import InvalidInput
from response.core.models import AuditVerb, TimelineEvent, TimelineImage
from response.core.verbs._common import audit

IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})


def keep_timeline_image(
    entry: TimelineEvent, *, position: int, content_type: str, data: bytes
) -> TimelineImage:
    """Keep the thumbnail of the entry's image at `position` (in its metadata's "images"), and
    mark it kept there, so the page shows it without asking which copies exist. Kept twice (a
    retried job), the first copy stays."""
    images = list((entry.metadata or {}).get("images") or [])
    if not 0 <= position < len(images):
        raise InvalidInput("The entry has no such image.", field="position")
    if content_type not in IMAGE_TYPES:
        raise InvalidInput(f"Not an image the page shows: {content_type}.", field="content_type")
    if not data or len(data) > TimelineImage.MAX_BYTES:
        raise InvalidInput("The image is empty or too large.", field="data")
    try:
        with transaction.atomic():
            image = TimelineImage.objects.create(
                entry=entry, position=position, content_type=content_type, data=data
            )
            images[position] = {**images[position], "kept": True}
            entry.metadata = {**entry.metadata, "images": images}
            entry.save(update_fields=["metadata"])
            # Every change writes its audit row: the incident page's live timeline follows them.
            audit(
                verb=AuditVerb.TIMELINE_EDITED,
                obj=entry,
                incident=entry.incident,
                by=None,
                after={"image_kept": position},
            )
    except IntegrityError:
        return TimelineImage.objects.get(entry=entry, position=position)
    return image
