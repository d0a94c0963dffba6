"""The indexes the incident lists and the search need, in the core, where the tables are.

They were made by the web app's migrations (web/0001, web/0002) under other names; an existing
database has those dropped here, a fresh one never gets them (those migrations do nothing now).
"""

from django.db import migrations, models

# Copies of response.core.search.INCIDENT_TSVECTOR / TIMELINE_TSVECTOR (a test keeps them equal):
# a migration must not change when application code does.
INCIDENT_TSVECTOR = (
    "to_tsvector('english'::regconfig, "
    "coalesce(title, '') || ' ' || coalesce(summary, '') || ' ' || coalesce(impact, ''))"
)
TIMELINE_TSVECTOR = "to_tsvector('english'::regconfig, coalesce(text, ''))"

SEARCH_INDEXES = {
    "incident_search": ("core_incident", INCIDENT_TSVECTOR),
    "timeline_search": ("core_timelineevent", TIMELINE_TSVECTOR),
}
FORMER_NAMES = ("web_incident_search", "web_timeline_search", "web_incident_recent")


def drop_former_indexes(apps, schema_editor):
    for name in FORMER_NAMES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def create_search_indexes(apps, schema_editor):
    """GIN indexes of expressions: PostgreSQL only (SQLite's search reads the tables)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, (table, expression) in SEARCH_INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (({expression}))"
        )


def drop_search_indexes(apps, schema_editor):
    for name in SEARCH_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("core", "0003_participant")]

    operations = [
        migrations.RunPython(drop_former_indexes, migrations.RunPython.noop, elidable=False),
        migrations.AddIndex(
            model_name="incident",
            index=models.Index(fields=["-reported_at", "-id"], name="incident_recent"),
        ),
        migrations.RunPython(create_search_indexes, drop_search_indexes, elidable=False),
    ]
