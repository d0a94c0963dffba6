"""Made the search's GIN indexes on PostgreSQL; they moved to the core (core/0004), which drops
what this migration made on a database that ran it. Kept, empty, for the migration history."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("core", "0003_participant")]
    operations: list = []
