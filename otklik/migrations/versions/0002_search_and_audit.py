"""Full-text search over posts and the append-only audit log.

PostgreSQL stems Russian itself: a GIN index over to_tsvector('russian', text).
SQLite's FTS5 does not stem, so it indexes the lemmatised `post.search_lemmas`, kept in
step with the table by triggers. On both, UPDATE and DELETE of audit events are refused.

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

POSTGRES_UP = [
    "CREATE INDEX ix_post_text_fts ON post USING gin (to_tsvector('russian', text))",
    """CREATE FUNCTION otklik_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'auditevent is append-only'; END $$""",
    """CREATE TRIGGER auditevent_append_only BEFORE UPDATE OR DELETE ON auditevent
       FOR EACH ROW EXECUTE FUNCTION otklik_append_only()""",
]
POSTGRES_DOWN = [
    "DROP TRIGGER auditevent_append_only ON auditevent",
    "DROP FUNCTION otklik_append_only()",
    "DROP INDEX ix_post_text_fts",
]
SQLITE_UP = [
    """CREATE VIRTUAL TABLE post_fts USING fts5(
       search_lemmas, content='post', content_rowid='id', tokenize='unicode61 remove_diacritics 0')""",
    """CREATE TRIGGER post_fts_insert AFTER INSERT ON post BEGIN
       INSERT INTO post_fts(rowid, search_lemmas) VALUES (new.id, new.search_lemmas); END""",
    """CREATE TRIGGER post_fts_delete AFTER DELETE ON post BEGIN
       INSERT INTO post_fts(post_fts, rowid, search_lemmas)
       VALUES ('delete', old.id, old.search_lemmas); END""",
    """CREATE TRIGGER post_fts_update AFTER UPDATE OF search_lemmas ON post BEGIN
       INSERT INTO post_fts(post_fts, rowid, search_lemmas)
       VALUES ('delete', old.id, old.search_lemmas);
       INSERT INTO post_fts(rowid, search_lemmas) VALUES (new.id, new.search_lemmas); END""",
    """CREATE TRIGGER auditevent_no_update BEFORE UPDATE ON auditevent BEGIN
       SELECT RAISE(ABORT, 'auditevent is append-only'); END""",
    """CREATE TRIGGER auditevent_no_delete BEFORE DELETE ON auditevent BEGIN
       SELECT RAISE(ABORT, 'auditevent is append-only'); END""",
]
SQLITE_DOWN = [
    "DROP TRIGGER auditevent_no_delete",
    "DROP TRIGGER auditevent_no_update",
    "DROP TRIGGER post_fts_update",
    "DROP TRIGGER post_fts_delete",
    "DROP TRIGGER post_fts_insert",
    "DROP TABLE post_fts",
]


def upgrade() -> None:
    for statement in POSTGRES_UP if _is_postgres() else SQLITE_UP:
        op.execute(statement)


def downgrade() -> None:
    for statement in POSTGRES_DOWN if _is_postgres() else SQLITE_DOWN:
        op.execute(statement)


def _is_postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"
