"""Made the index of "most recently reported first"; it moved to the core (core/0004), which
drops what this migration made on a database that ran it. Kept, empty, for the history."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("web", "0001_search_indexes")]
    operations: list = []
