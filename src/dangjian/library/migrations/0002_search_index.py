"""The full-text index of the materials: an FTS5 table on SQLite, a tsvector table with a GIN
index on PostgreSQL (see `dangjian.library.search`). Other databases get no index.

On SQLite nothing ties the FTS5 table to the materials (a trigger would be lost whenever a
later migration rebuilds library_material, as SQLite's ALTER TABLE does): the services remove
a deleted material's entry, and a search only ever returns materials that exist. After this
migration on a database that already has materials, run `search.rebuild()`."""

from django.db import migrations

SQLITE = [
    "CREATE VIRTUAL TABLE library_search USING fts5(title, keywords, body, parts, tokenize = 'unicode61')",
    "CREATE VIRTUAL TABLE library_search_vocab USING fts5vocab(library_search, 'row')",
]
SQLITE_REVERSE = [
    "DROP TABLE IF EXISTS library_search_vocab",
    "DROP TABLE IF EXISTS library_search",
]
# No foreign key to library_material: Django empties the tables it knows with one TRUNCATE
# (flush, between transactional tests), which a referencing table would make fail. Triggers
# do the foreign key's work instead: a deleted material leaves the index, and a truncate
# empties it.
POSTGRESQL = [
    """CREATE TABLE library_search (
        material_id bigint PRIMARY KEY,
        title text NOT NULL,
        body text NOT NULL,
        document tsvector NOT NULL,
        title_document tsvector NOT NULL
    )""",
    "CREATE INDEX library_search_document ON library_search USING gin (document)",
    """CREATE FUNCTION library_search_forget() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'TRUNCATE' THEN
            DELETE FROM library_search;
        ELSE
            DELETE FROM library_search WHERE material_id = OLD.id;
        END IF;
        RETURN NULL;
    END
    $$""",
    """CREATE TRIGGER library_search_forget_deleted AFTER DELETE ON library_material
        FOR EACH ROW EXECUTE FUNCTION library_search_forget()""",
    """CREATE TRIGGER library_search_forget_truncated AFTER TRUNCATE ON library_material
        FOR EACH STATEMENT EXECUTE FUNCTION library_search_forget()""",
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS library_search_forget_truncated ON library_material",
    "DROP TRIGGER IF EXISTS library_search_forget_deleted ON library_material",
    "DROP FUNCTION IF EXISTS library_search_forget()",
    "DROP TABLE IF EXISTS library_search",
]

FORWARD = {"sqlite": SQLITE, "postgresql": POSTGRESQL}
REVERSE = {"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}


def create_index(apps, schema_editor):
    for statement in FORWARD.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def drop_index(apps, schema_editor):
    for statement in REVERSE.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("library", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index),
    ]
