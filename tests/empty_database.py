"""An empty database for a migration test: a SQLite file, or a PostgreSQL database of its
own (created, then dropped with its connections)."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, text

from models.db import make_engine
from tests.conftest import POSTGRES_ADMIN_URL


@contextmanager
def empty_database(backend: str, *, folder: Path, name: str) -> Iterator[Engine]:
    """An engine on a new empty database of `backend` («sqlite» or «postgresql»)."""
    if backend == "sqlite":
        engine = make_engine(f"sqlite:///{folder / 'old.db'}")
        yield engine
        engine.dispose()
        return
    admin = make_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}")
    yield engine
    engine.dispose()
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()
