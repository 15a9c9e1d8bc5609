"""The fires topic migration: an existing default rubricator gains the topic, once."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from otklik import migrate
from tests.empty_database import empty_database

BEFORE = "loop_s19"  # the head this branch's migration follows
DATABASE = f"otklik_test_fire_topic_{os.getpid()}"
FIRES = "safety_fires_emergencies"


@pytest.fixture(params=["sqlite", "postgresql"])
def old_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    with empty_database(request.param, folder=tmp_path, name=DATABASE) as engine:
        yield engine


def _topics(engine: Engine) -> list[tuple[object, ...]]:
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT code, category_code, agency_type, urgent FROM topic ORDER BY code")
        ).all()
    return [tuple(row) for row in rows]


def test_a_seeded_safety_category_gains_the_fires_topic(old_engine: Engine) -> None:
    migrate.upgrade(old_engine, BEFORE)
    with old_engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO category (code, name, position, active) "
            "VALUES ('safety', 'Безопасность', 0, true)"
        ))  # fmt: skip
        connection.execute(text(
            "INSERT INTO topic (code, category_code, name, sla_hours, urgent, agency_type, "
            "position, active) VALUES ('safety_refugees', 'safety', 'Беженцы', 80, false, "
            "'social_protection', 1, true)"
        ))  # fmt: skip

    migrate.upgrade(old_engine)

    assert _topics(old_engine) == [
        (FIRES, "safety", "emergency_service", True),
        ("safety_refugees", "safety", "social_protection", False),
    ]


def test_a_database_without_the_safety_category_is_left_alone(old_engine: Engine) -> None:
    migrate.upgrade(old_engine, BEFORE)
    migrate.upgrade(old_engine)
    assert _topics(old_engine) == []
