"""The index each database searches the words with (``putright/search/rules.py``), and the
words of the cases already there."""

from django.db import migrations

POSTGRES = [
    # Stored, so the rows an index finds are checked without parsing their text again.
    "ALTER TABLE search_casetext ADD COLUMN public_tsv tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, public)) STORED",
    "ALTER TABLE search_casetext ADD COLUMN private_tsv tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, private)) STORED",
    "CREATE INDEX search_casetext_public_tsv ON search_casetext USING gin (public_tsv)",
    "CREATE INDEX search_casetext_private_tsv ON search_casetext USING gin (private_tsv)",
]
POSTGRES_UNDO = [
    "DROP INDEX IF EXISTS search_casetext_public_tsv",
    "DROP INDEX IF EXISTS search_casetext_private_tsv",
    "ALTER TABLE search_casetext DROP COLUMN IF EXISTS public_tsv",
    "ALTER TABLE search_casetext DROP COLUMN IF EXISTS private_tsv",
]
SQLITE = [
    # The words are plain [a-z0-9] already; prefix indexes of 2 and 3 letters keep short
    # prefixes ("sm", "smi") from reading every word.
    "CREATE VIRTUAL TABLE search_casetext_fts USING fts5(public, private, "
    "content='search_casetext', content_rowid='case_id', prefix='2 3')",
    "CREATE TRIGGER search_casetext_ai AFTER INSERT ON search_casetext BEGIN "
    "INSERT INTO search_casetext_fts(rowid, public, private) "
    "VALUES (new.case_id, new.public, new.private); END",
    "CREATE TRIGGER search_casetext_ad AFTER DELETE ON search_casetext BEGIN "
    "INSERT INTO search_casetext_fts(search_casetext_fts, rowid, public, private) "
    "VALUES ('delete', old.case_id, old.public, old.private); END",
    "CREATE TRIGGER search_casetext_au AFTER UPDATE ON search_casetext BEGIN "
    "INSERT INTO search_casetext_fts(search_casetext_fts, rowid, public, private) "
    "VALUES ('delete', old.case_id, old.public, old.private); "
    "INSERT INTO search_casetext_fts(rowid, public, private) "
    "VALUES (new.case_id, new.public, new.private); END",
]
SQLITE_UNDO = [
    "DROP TRIGGER IF EXISTS search_casetext_au",
    "DROP TRIGGER IF EXISTS search_casetext_ad",
    "DROP TRIGGER IF EXISTS search_casetext_ai",
    "DROP TABLE IF EXISTS search_casetext_fts",
]


def _run(statements):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for sql in statements.get(vendor, []):
            schema_editor.execute(sql)

    return run


def fill(apps, schema_editor):
    from putright.search.index import rebuild

    rebuild(apps=apps)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial"), ("people", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRES_UNDO, "sqlite": SQLITE_UNDO}),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
