"""Search made for common words (``putright/search/queries.py``):

- the case's place in the queue's order beside its words (``CaseText.due_or_last``);
- on PostgreSQL, the words' tsvectors without positions (search never reads them), so that a
  row is narrower and a word common in one landlord reads fewer pages;
- on SQLite, the FTS5 mirror's triggers made again (adding the column remakes the table),
  the mirror rewritten only when the words change, not when a date moves;
- every case's words written again: a postcode is kept as its two halves only
  (``rules.documents``), and the due dates filled in.
"""

import datetime

from django.db import migrations, models

POSTGRES = [
    "ALTER TABLE search_casetext DROP COLUMN public_tsv",
    "ALTER TABLE search_casetext DROP COLUMN private_tsv",
    "ALTER TABLE search_casetext ADD COLUMN public_tsv tsvector "
    "GENERATED ALWAYS AS (strip(to_tsvector('simple'::regconfig, public))) STORED",
    "ALTER TABLE search_casetext ADD COLUMN private_tsv tsvector "
    "GENERATED ALWAYS AS (strip(to_tsvector('simple'::regconfig, private))) STORED",
    "CREATE INDEX search_casetext_public_tsv ON search_casetext USING gin (public_tsv)",
    "CREATE INDEX search_casetext_private_tsv ON search_casetext USING gin (private_tsv)",
]
POSTGRES_UNDO = [
    "ALTER TABLE search_casetext DROP COLUMN public_tsv",
    "ALTER TABLE search_casetext DROP COLUMN private_tsv",
    "ALTER TABLE search_casetext ADD COLUMN public_tsv tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, public)) STORED",
    "ALTER TABLE search_casetext ADD COLUMN private_tsv tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, private)) STORED",
    "CREATE INDEX search_casetext_public_tsv ON search_casetext USING gin (public_tsv)",
    "CREATE INDEX search_casetext_private_tsv ON search_casetext USING gin (private_tsv)",
]
_FTS_INSERT = (
    "INSERT INTO search_casetext_fts(rowid, public, private) "
    "VALUES (new.case_id, new.public, new.private); END"
)
_FTS_DELETE = (
    "INSERT INTO search_casetext_fts(search_casetext_fts, rowid, public, private) "
    "VALUES ('delete', old.case_id, old.public, old.private); "
)
# Adding a column makes SQLite's table again, without its triggers: all three are made anew.
SQLITE = [
    "DROP TRIGGER IF EXISTS search_casetext_ai",
    "DROP TRIGGER IF EXISTS search_casetext_ad",
    "DROP TRIGGER IF EXISTS search_casetext_au",
    "CREATE TRIGGER search_casetext_ai AFTER INSERT ON search_casetext BEGIN " + _FTS_INSERT,
    "CREATE TRIGGER search_casetext_ad AFTER DELETE ON search_casetext BEGIN "
    + _FTS_DELETE.removesuffix("; ")
    + "; END",
    "CREATE TRIGGER search_casetext_au AFTER UPDATE OF public, private ON search_casetext "
    "BEGIN " + _FTS_DELETE + _FTS_INSERT,
]
SQLITE_UNDO = [
    "DROP TRIGGER IF EXISTS search_casetext_au",
    "CREATE TRIGGER search_casetext_au AFTER UPDATE ON search_casetext BEGIN "
    + _FTS_DELETE
    + _FTS_INSERT,
]


def _run(statements):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


def fill(apps, schema_editor):
    from putright.search.index import rebuild

    rebuild(apps=apps)


class Migration(migrations.Migration):
    dependencies = [("search", "0002_search_indexes"), ("cases", "0012_personal_texts")]

    operations = [
        migrations.AddField(
            model_name="casetext",
            name="due_or_last",
            field=models.DateField(default=datetime.date(9999, 12, 31)),
        ),
        migrations.AddIndex(
            model_name="casetext",
            index=models.Index(fields=["due_or_last", "case"], name="search_casetext_due"),
        ),
        migrations.RunPython(
            _run({"postgresql": POSTGRES, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRES_UNDO, "sqlite": SQLITE_UNDO}),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
