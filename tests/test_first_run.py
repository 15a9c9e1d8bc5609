"""A first run: every command works on a database nobody has upgraded yet (the embedded
SQLite default migrates itself), and a PostgreSQL database that is behind says, in one
line, to run `otklik db upgrade`."""

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from models.db import make_engine
from otklik import migrate, runtime
from otklik.cli import app
from otklik.settings import get_settings
from tests.conftest import POSTGRES_ADMIN_URL

runner = CliRunner()
COMMANDS = [["stats"], ["nlp", "versions"], ["sources", "list"], ["reports", "list"]]


def _point_at(monkeypatch: pytest.MonkeyPatch, url: str, tmp_path: Path) -> None:
    monkeypatch.setenv("OTKLIK_DATABASE_URL", url)
    monkeypatch.setenv("OTKLIK_MODEL_DIR", str(tmp_path / "models"))
    monkeypatch.delenv("OTKLIK_REDIS_URL", raising=False)
    get_settings.cache_clear()
    runtime.engine_for.cache_clear()


@pytest.fixture
def empty_postgres(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[str]:
    name = f"otklik_first_run_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = make_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    _point_at(monkeypatch, url, tmp_path)
    yield url
    runtime.engine_for.cache_clear()
    get_settings.cache_clear()
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_works_on_a_fresh_sqlite_file(
    command: list[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_path / "fresh" / "otklik.db"
    _point_at(monkeypatch, f"sqlite:///{path}", tmp_path)
    result = runner.invoke(app, command)
    assert result.exit_code == 0, (result.output, result.exception)
    assert "Traceback" not in result.output
    engine = make_engine(f"sqlite:///{path}")
    assert migrate.current_revision(engine) == migrate.head_revision(engine)
    engine.dispose()


def test_a_postgres_database_behind_says_to_upgrade(empty_postgres: str) -> None:
    for command in [*COMMANDS, ["dashboard"]]:  # the console is refused before it starts
        result = runner.invoke(app, command)
        assert result.exit_code == 1, (command, result.output, result.exception)
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and "otklik db upgrade" in lines[0], result.output
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    assert runner.invoke(app, ["stats"]).exit_code == 0
