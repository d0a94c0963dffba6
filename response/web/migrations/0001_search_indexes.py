"""GIN indexes for the incident search on PostgreSQL (nothing to do on SQLite).

They index exactly the expressions `response.web.queries.search_incidents` matches against, so a
search over 100 000 incidents reads the index instead of computing every row's tsvector.
"""

from django.db import migrations

# Copies of response.web.queries.INCIDENT_TSVECTOR / TIMELINE_TSVECTOR (a test keeps them equal):
# a migration must not change when application code does.
INCIDENT_TSVECTOR = (
    "to_tsvector('english'::regconfig, "
    "coalesce(title, '') || ' ' || coalesce(summary, '') || ' ' || coalesce(impact, ''))"
)
TIMELINE_TSVECTOR = "to_tsvector('english'::regconfig, coalesce(text, ''))"

INDEXES = {
    "web_incident_search": ("core_incident", INCIDENT_TSVECTOR),
    "web_timeline_search": ("core_timelineevent", TIMELINE_TSVECTOR),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, (table, expression) in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (({expression}))"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("core", "0003_participant")]
    operations = [migrations.RunPython(create, drop, elidable=False)]
