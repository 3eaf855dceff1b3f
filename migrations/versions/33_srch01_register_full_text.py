"""quality: the register's full-text search with the database's own engine

PostgreSQL: ``adverse_event.search_vector``, a stored generated ``tsvector`` over the folded texts
(``search_text``: lower case, accents removed by the application, which also folds the query the same way) with a
GIN index. It holds the French stems (``chutes`` meets ``chute``) and the plain words (so the word being typed
matches as a prefix: ``pansem`` meets ``pansement`` whose French stem is ``pans``). No extension is needed, so the
trigram index the LIKE search used (and pg_trgm) is dropped from the table.

SQLite: ``adverse_event_fts``, an FTS5 index over ``search_text`` (external content: the text is not stored
twice) kept in step by three triggers.

Also folds the ligatures œ and æ already stored (the application folds them from now on).

Beware (SQLite): a later ``batch_alter_table("adverse_event")`` copies the table and drops these triggers; such a
migration must create them again (``SQLITE_TRIGGERS`` below).

Revision ID: srch01
Revises: qual05
"""
from alembic import op

revision = "srch01"
down_revision = "qual05"
branch_labels = None
depends_on = None

# strip(): no positions (the search neither ranks nor matches phrases), so the rows a search must read stay small
POSTGRES_VECTOR = ("strip(to_tsvector('french'::regconfig, search_text) || "
                   "to_tsvector('simple'::regconfig, search_text))")

SQLITE_TRIGGERS = (
    """CREATE TRIGGER adverse_event_fts_insert AFTER INSERT ON adverse_event BEGIN
         INSERT INTO adverse_event_fts(rowid, search_text) VALUES (new.id, new.search_text);
       END""",
    """CREATE TRIGGER adverse_event_fts_delete AFTER DELETE ON adverse_event BEGIN
         INSERT INTO adverse_event_fts(adverse_event_fts, rowid, search_text)
         VALUES ('delete', old.id, old.search_text);
       END""",
    # id too: a migration renumbering the events (random keys) keeps the index pointing at the right rows
    """CREATE TRIGGER adverse_event_fts_update AFTER UPDATE OF id, search_text ON adverse_event BEGIN
         INSERT INTO adverse_event_fts(adverse_event_fts, rowid, search_text)
         VALUES ('delete', old.id, old.search_text);
         INSERT INTO adverse_event_fts(rowid, search_text) VALUES (new.id, new.search_text);
       END""",
)


def upgrade():
    op.execute("UPDATE adverse_event SET search_text = replace(replace(search_text, 'œ', 'oe'), 'æ', 'ae') "
               "WHERE search_text LIKE '%œ%' OR search_text LIKE '%æ%'")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_adverse_event_search_text", table_name="adverse_event")
        op.execute(f"ALTER TABLE adverse_event ADD COLUMN search_vector tsvector "
                   f"GENERATED ALWAYS AS ({POSTGRES_VECTOR}) STORED")
        op.execute("CREATE INDEX ix_adverse_event_search_vector ON adverse_event USING gin (search_vector)")
        return
    op.drop_index("ix_adverse_event_search_text", table_name="adverse_event")
    op.execute("CREATE VIRTUAL TABLE adverse_event_fts USING fts5(search_text, content='adverse_event', "
               "content_rowid='id', tokenize='unicode61 remove_diacritics 2')")
    for trigger in SQLITE_TRIGGERS:
        op.execute(trigger)
    op.execute("INSERT INTO adverse_event_fts(adverse_event_fts) VALUES ('rebuild')")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_adverse_event_search_vector")
        op.execute("ALTER TABLE adverse_event DROP COLUMN search_vector")
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.create_index("ix_adverse_event_search_text", "adverse_event", ["search_text"], unique=False,
                        postgresql_using="gin", postgresql_ops={"search_text": "gin_trgm_ops"})
        return
    for name in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER adverse_event_fts_{name}")
    op.execute("DROP TABLE adverse_event_fts")
    op.create_index("ix_adverse_event_search_text", "adverse_event", ["search_text"], unique=False)
