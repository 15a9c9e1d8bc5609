"""The composition root's shared handles: one engine per process, built from settings.

Before first use the schema is checked once per process: the embedded SQLite default
migrates itself; any other database that is behind raises `SchemaBehind`, which the CLI
prints as one line (run `otklik db upgrade`).
"""

import logging
from functools import lru_cache

from sqlalchemy import Engine

from models.db import make_engine
from otklik.settings import get_settings

log = logging.getLogger(__name__)


class SchemaBehind(Exception):
    """The database's schema is not the one this version of Otklik needs."""


@lru_cache
def engine_for(url: str) -> Engine:
    return make_engine(url)


def get_engine(*, check_schema: bool = True) -> Engine:
    """The engine for the configured database (`OTKLIK_DATABASE_URL`), its schema checked."""
    url = get_settings().database_url
    if check_schema:
        _schema_ready(url)
    return engine_for(url)


@lru_cache
def _schema_ready(url: str) -> None:
    """Once per process and URL (a failure is not cached: the next call checks again)."""
    ensure_schema(engine_for(url))


def ensure_schema(engine: Engine) -> None:
    from otklik import migrate  # alembic: imported only when a database is used

    current, head = migrate.current_revision(engine), migrate.head_revision(engine)
    if current == head:
        return
    if engine.dialect.name == "sqlite":
        log.info("migrating the SQLite database from %s to %s", current, head)
        migrate.upgrade(engine)
        return
    raise SchemaBehind(
        f"the database schema is at {current or 'nothing (empty database)'}, this version "
        f"needs {head}: run `otklik db upgrade`"
    )
