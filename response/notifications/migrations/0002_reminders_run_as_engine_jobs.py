"""Reminders run as work-engine jobs: each scheduled row gets its job, the row keeps only the
schedule (the claim and failure columns are the engine's now), and the built-in reminders'
module moved to response.slack.reminders (their keys follow)."""

from django.db import migrations, models

OLD_MODULE = "response.notifications.builtin."
NEW_MODULE = "response.slack.reminders."


def schedule_jobs(apps, schema_editor):
    Row = apps.get_model("notifications", "ScheduledNotification")
    Job = apps.get_model("engine", "Job")
    for row in Row.objects.filter(key__startswith=OLD_MODULE):
        row.key = NEW_MODULE + row.key.removeprefix(OLD_MODULE)
        row.save(update_fields=["key"])
    Row.objects.filter(state="failed").update(state="scheduled")
    Job.objects.bulk_create(
        [
            Job(
                kind="reminder",
                lane=f"reminder:{row.incident_id}:{row.pk}",
                key=f"reminder:{row.pk}",
                payload={"notification_id": row.pk},
                priority=2,
                not_before=row.next_due_at,
            )
            for row in Row.objects.filter(state="scheduled")
        ],
        batch_size=500,
        ignore_conflicts=True,
    )
    # PostgreSQL checks the rows' foreign keys at commit; until then it refuses to ALTER the
    # table, as the next operations do ("pending trigger events"): check them now.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_participant"),
        ("notifications", "0001_initial"),
        ("engine", "0001_initial"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="schedulednotification", name="scheduled_notification_state_valid"
        ),
        migrations.RunPython(schedule_jobs, migrations.RunPython.noop),
        migrations.RemoveIndex(model_name="schedulednotification", name="notification_claimed"),
        migrations.AlterField(
            model_name="schedulednotification",
            name="state",
            field=models.CharField(
                choices=[("scheduled", "Scheduled"), ("done", "Done"), ("cancelled", "Cancelled")],
                default="scheduled",
                max_length=16,
            ),
        ),
        migrations.AddConstraint(
            model_name="schedulednotification",
            constraint=models.CheckConstraint(
                condition=models.Q(("state__in", ["scheduled", "done", "cancelled"])),
                name="scheduled_notification_state_valid",
            ),
        ),
        migrations.RemoveField(model_name="schedulednotification", name="claim_token"),
        migrations.RemoveField(model_name="schedulednotification", name="claimed_until"),
        migrations.RemoveField(model_name="schedulednotification", name="failures"),
        migrations.RemoveField(model_name="schedulednotification", name="last_error"),
    ]
