"""The post-mortem of an incident: its write-up as sections people edit in Markdown, pre-filled
from what the incident already knows, with an owner and a state (draft, in review, done)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

# The sections of every post-mortem, in the order they are read: (key, heading). Defined here
# only; the pages, the export and the API all follow this list. (A key is stored: never rename.)
SECTIONS: tuple[tuple[str, str], ...] = (
    ("summary", "Summary"),
    ("impact", "Impact"),
    ("root_cause", "Root cause"),
    ("contributing_factors", "Contributing factors"),
    ("went_well", "What went well"),
    ("went_badly", "What went badly"),
    ("lessons", "Lessons"),
    ("follow_ups", "Follow-ups"),
)
SECTION_KEYS: tuple[str, ...] = tuple(key for key, _ in SECTIONS)
SECTION_HEADINGS: dict[str, str] = dict(SECTIONS)
# Long enough for any honest section; short enough that a paste of a whole log is refused.
SECTION_MAX_LENGTH = 50_000


class PostMortemState(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    DONE = "done", "Done"


class PostMortem(models.Model):
    """One per incident, created the first time someone needs it (the write-up page, the API,
    `@Response postmortem`). Changed only through the verbs of `response.core.verbs.postmortem`."""

    incident = models.OneToOneField(
        "core.Incident", on_delete=models.PROTECT, related_name="postmortem"
    )
    owner = models.ForeignKey(
        "core.ExternalUser",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_postmortems",
    )
    state = models.CharField(max_length=16, choices=PostMortemState, default=PostMortemState.DRAFT)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=["draft", "in_review", "done"]),
                name="postmortem_state_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(state="done", done_at__isnull=False)
                | (~models.Q(state="done") & models.Q(done_at__isnull=True)),
                name="postmortem_done_has_done_at",
            ),
        ]

    def __str__(self) -> str:
        return f"Post-mortem of incident #{self.incident_id}"

    @property
    def is_done(self) -> bool:
        return self.state == PostMortemState.DONE


class PostMortemSection(models.Model):
    """One section's Markdown. `version` counts its edits, so that a form loaded before someone
    else's edit is refused instead of overwriting it. `edited_at` is empty while the text is
    only Response's pre-fill: pre-filling again may replace it; it never replaces a person's."""

    postmortem = models.ForeignKey(PostMortem, on_delete=models.CASCADE, related_name="sections")
    key = models.CharField(max_length=32)
    text = models.TextField(blank=True, default="")
    version = models.PositiveIntegerField(default=1)
    edited_at = models.DateTimeField(null=True, blank=True)
    edited_by_name = models.CharField(max_length=255, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["postmortem", "key"], name="unique_postmortem_section"),
            models.CheckConstraint(
                condition=models.Q(key__in=list(SECTION_KEYS)), name="postmortem_section_key_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{SECTION_HEADINGS.get(self.key, self.key)} of incident #{self.postmortem_id}"

    @property
    def heading(self) -> str:
        return SECTION_HEADINGS[self.key]

    @property
    def is_prefilled(self) -> bool:
        """Still Response's own text (no person has written this section)."""
        return self.edited_at is None
