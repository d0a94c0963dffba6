"""What an import remembers: which rows of another database became which rows here."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class ImportedRecord(models.Model):
    """One row of a source database that an import has dealt with, and the row it became here.

    Running an import again skips every row recorded here, so it imports nothing twice; a row that
    was skipped (and why) is not recorded, so a later run with better options can still import it.
    """

    source = models.CharField(max_length=64, help_text='Which source, e.g. "monzo".')
    kind = models.CharField(max_length=32, help_text='e.g. "incident", "timeline_event".')
    source_id = models.CharField(max_length=64)
    target_id = models.BigIntegerField()
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "kind", "source_id"], name="unique_imported_record"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.kind} {self.source_id} -> {self.target_id}"
