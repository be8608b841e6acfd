"""The full-text index also holds each material's summary, weighed like its title and keywords.

On SQLite the FTS5 table gains a `summary` column (an FTS5 table cannot be altered: it is made
anew); on PostgreSQL the summary goes into the same `document` vector. Either way every
material is indexed again, so one whose summary says 党课 is found by 党课 at once."""

from django.db import migrations

SQLITE = [
    "DROP TABLE IF EXISTS library_search_vocab",
    "DROP TABLE IF EXISTS library_search",
    "CREATE VIRTUAL TABLE library_search USING fts5(title, summary, keywords, body, parts, tokenize = 'unicode61')",
    "CREATE VIRTUAL TABLE library_search_vocab USING fts5vocab(library_search, 'row')",
]
SQLITE_REVERSE = [
    "DROP TABLE IF EXISTS library_search_vocab",
    "DROP TABLE IF EXISTS library_search",
    "CREATE VIRTUAL TABLE library_search USING fts5(title, keywords, body, parts, tokenize = 'unicode61')",
    "CREATE VIRTUAL TABLE library_search_vocab USING fts5vocab(library_search, 'row')",
]


def _reindex(apps, schema_editor) -> None:
    from dangjian.library import search

    alias = schema_editor.connection.alias
    materials = apps.get_model("library", "Material").objects.using(alias).all()
    search.rebuild(materials, pages_model=apps.get_model("library", "MaterialPage"))


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for statement in SQLITE:
            schema_editor.execute(statement)
    if vendor in ("sqlite", "postgresql"):
        _reindex(apps, schema_editor)


def backward(apps, schema_editor):
    # The summary column goes; the index is built again without it (the code of that time
    # indexed title, keywords and text only, so after going back run `search_rebuild`).
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_REVERSE:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("library", "0004_material_visibility_index"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
    ]
