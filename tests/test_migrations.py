from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text
from sqlmodel import SQLModel

from models.db import make_engine
from otklik import migrate
from tests.conftest import POSTGRES_ADMIN_URL


def test_upgrade_creates_the_schema_on_an_empty_postgres_database_and_reruns_as_a_no_op() -> None:
    admin = make_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text('DROP DATABASE IF EXISTS "otklik_test_empty"'))
        connection.execute(text('CREATE DATABASE "otklik_test_empty"'))
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/otklik_test_empty"
    engine = make_engine(url)
    try:
        assert migrate.current_revision(engine) is None
        migrate.upgrade(engine)
        assert migrate.current_revision(engine) == migrate.head_revision(engine)
        tables = set(inspect(engine).get_table_names())
        assert set(SQLModel.metadata.tables) <= tables
        migrate.upgrade(engine)  # the second run changes nothing and does not fail
        assert migrate.current_revision(engine) == migrate.head_revision(engine)
        assert set(inspect(engine).get_table_names()) == tables
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text('DROP DATABASE "otklik_test_empty" WITH (FORCE)'))
        admin.dispose()


def test_migrations_match_the_models(engine: Engine) -> None:
    """A model changed without a migration fails here (`make migration` writes one)."""
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = [
            diff for diff in compare_metadata(context, SQLModel.metadata) if not _is_fts(diff)
        ]
    assert differences == []


def _is_fts(diff: object) -> bool:
    """The search objects of migration 0002 live outside the models, on purpose."""
    return "post_fts" in repr(diff) or "ix_post_text_fts" in repr(diff)
