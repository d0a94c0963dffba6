"""Seed the four classic severities and make the audit log append-only in the database itself."""

from django.db import migrations

from response.core.dbguards import install_audit_guards, remove_audit_guards
from response.core.severities import seed_default_severities


def seed_severities(apps, schema_editor):
    seed_default_severities(apps.get_model("core", "Severity"))


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
