"""Slack's job queue becomes the work engine's (response.engine): work still waiting, and the
delivery keys of recent events (so a late redelivery is still recognised), move over."""

from datetime import timedelta

from django.db import migrations
from django.utils import timezone

# Old kind -> (new kind, priority); a delivered event's payload is now {"body": envelope}.
KINDS = {
    "slack_event": ("slack.event", 1),
    "call": ("slack.call", 0),
    "comms_message": ("slack.comms_message", 0),
    "headline_reply": ("slack.headline_reply", 0),
    "dm": ("slack.dm", 0),
    "sync_headline": ("slack.sync_incident", 0),
    "sync_channel": ("slack.sync_incident", 0),
    "create_channel": ("slack.create_channel", 0),
    "invite": ("slack.invite", 0),
    "rename_channel": ("slack.rename_channel", 0),
    "confirm_declaration": ("slack.confirm_declaration", 0),
    "publish_home": ("slack.publish_home", 2),
    "fetch_profile": ("slack.fetch_profile", 2),
    "auth_test": ("slack.auth_test", 2),
}


def move_jobs(apps, schema_editor):
    Old = apps.get_model("slack", "Job")
    New = apps.get_model("engine", "Job")
    recent = timezone.now() - timedelta(days=1)
    moved = []
    for job in Old.objects.filter(state="pending").order_by("id").iterator():
        kind, priority = KINDS.get(job.kind, (job.kind, 0))
        payload = {"body": job.payload} if job.kind == "slack_event" else job.payload
        if job.kind == "confirm_declaration":
            payload = {k: payload.get(k) for k in ("incident_id", "user_id", "channel_id")}
        moved.append(
            New(
                kind=kind,
                lane=job.lane,
                key=job.key,
                delivery_key=job.delivery_key,
                payload=payload,
                priority=priority,
                attempts=job.attempts,
                not_before=job.not_before,
                last_error=job.last_error,
                created_at=job.created_at,
            )
        )
    for job in Old.objects.filter(delivery_key__isnull=False, created_at__gte=recent).exclude(
        state="pending"
    ):
        moved.append(
            New(
                kind="slack.event",
                lane=job.lane,
                delivery_key=job.delivery_key,
                payload={"body": job.payload},
                priority=1,
                state="done",
                attempts=job.attempts,
                created_at=job.created_at,
                done_at=job.done_at,
            )
        )
    New.objects.bulk_create(moved, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("slack", "0001_initial"),
        ("engine", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(move_jobs, migrations.RunPython.noop),
        migrations.RemoveIndex(model_name="job", name="job_lane_head"),
        migrations.RemoveIndex(model_name="job", name="job_due"),
        migrations.RemoveConstraint(model_name="job", name="unique_pending_job_key"),
        migrations.RemoveConstraint(model_name="job", name="job_state_valid"),
        migrations.DeleteModel(name="Job"),
    ]
