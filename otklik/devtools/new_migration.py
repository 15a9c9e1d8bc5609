"""Write an Alembic migration for what the models have and the migrations lack.

Usage: python -m otklik.devtools.new_migration "add x to y"
It migrates a scratch SQLite database to head, then autogenerates against it.
"""

import sys
import tempfile
from pathlib import Path

from models.db import make_engine
from otklik import migrate


def main(message: str) -> None:
    if not message.strip():
        raise SystemExit('give the migration a message: make migration MESSAGE="add x to y"')
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'scratch.db'}")
        migrate.upgrade(engine)
        migrate.autogenerate(engine, message)
        engine.dispose()


if __name__ == "__main__":
    main(" ".join(sys.argv[1:]))
