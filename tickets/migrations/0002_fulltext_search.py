"""Full-text search on number, title and description: a GIN index on PostgreSQL only.

Written by hand (not autodetected) so makemigrations gives the same result on SQLite, where
search falls back to LIKE. ``tickets.search.SEARCH_VECTOR_SQL`` must match this expression.
"""

from django.db import migrations

VECTOR = (
    "to_tsvector('simple'::regconfig, coalesce(number, '') || ' ' || coalesce(title, '')"
    " || ' ' || coalesce(description, ''))"
)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS ticket_fulltext ON tickets_ticket USING gin ({VECTOR})"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS ticket_fulltext")


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
