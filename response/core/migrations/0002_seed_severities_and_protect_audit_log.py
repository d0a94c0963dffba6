"""Seed the four classic severities and make the audit log append-only in the database itself."""

from django.db import migrations

from response.core.dbguards import install_audit_guards, remove_audit_guards

SEVERITIES = [
    # slug, name, rank, emoji, description, minutes between status updates (None: not asked)
    ("critical", "Critical", 1, "⛈️", "A major outage: many customers affected, act now.", 30),
    ("major", "Major", 2, "🌧️", "Significant degradation for some customers.", 60),
    ("minor", "Minor", 3, "🌦️", "Limited impact; a workaround exists.", None),
    ("trivial", "Trivial", 4, "🌤️", "Little or no customer impact.", None),
]


def seed_severities(apps, schema_editor):
    Severity = apps.get_model("core", "Severity")
    for slug, name, rank, emoji, description, cadence in SEVERITIES:
        Severity.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "rank": rank,
                "emoji": emoji,
                "description": description,
                "update_cadence_mins": cadence,
            },
        )


def protect_audit_log(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        install_audit_guards(cursor, schema_editor.connection.vendor)


def unprotect_audit_log(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        remove_audit_guards(cursor, schema_editor.connection.vendor)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [
        migrations.RunPython(seed_severities, migrations.RunPython.noop),
        migrations.RunPython(protect_audit_log, unprotect_audit_log),
    ]
