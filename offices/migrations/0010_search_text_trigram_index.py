"""On PostgreSQL, a trigram index on offices' search_text: a directory search (`LIKE '%word%'`, words of
three letters or more) reads the index instead of every office. pg_trgm ships with PostgreSQL and is a
trusted extension: the database's owner may create it. SQLite has no such index; it scans."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEX = "offices_office_search_text_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX {INDEX} ON offices_office USING gin (search_text gin_trgm_ops)")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("offices", "0009_search_text_with_areas"),
    ]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_index, drop_index),
    ]
