"""The answers migration on existing data: revisions counted, reopened answers superseded."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from otklik import migrate
from tests.empty_database import empty_database

BEFORE = "c3571b0f69fb"  # the head this branch's migration follows
DATABASE = f"otklik_test_answers_{os.getpid()}"


@pytest.fixture(params=["sqlite", "postgresql"])
def old_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    with empty_database(request.param, folder=tmp_path, name=DATABASE) as engine:
        yield engine


def _event(connection: object, report: int, action: str, at: str) -> None:
    connection.execute(  # type: ignore[attr-defined]
        text("INSERT INTO auditevent (at, actor, entity_type, entity_id, action) "
             "VALUES (:at, 'anna', 'report', :report, :action)"),
        {"at": at, "report": report, "action": action},
    )  # fmt: skip


def test_old_answers_get_revisions_and_a_reopened_one_is_superseded(old_engine: Engine) -> None:
    migrate.upgrade(old_engine, BEFORE)
    with old_engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO incident (id, title, status, post_count, priority, created_at, "
            "updated_at, version) VALUES (1, 'Яма', 'reported', 0, 0, :at, :at, 1)"
        ), {"at": "2024-06-01 10:00:00+00:00"})  # fmt: skip
        for report, answer in ((1, "Заделали."), (2, "Старый ответ."), (3, None), (4, "Новый.")):
            connection.execute(text(
                "INSERT INTO report (id, incident_id, status, urgent, sla_hours, paused_seconds, "
                "escalation_level, answer_text, created_at, updated_at, version) VALUES "
                "(:id, 1, 'resolved', false, 40, 0, 0, :answer, :at, :at, 1)"
            ), {"id": report, "answer": answer, "at": "2024-06-01 10:00:00+00:00"})  # fmt: skip
        _event(connection, 1, "set_answer", "2024-06-01 11:00:00+00:00")
        _event(connection, 2, "set_answer", "2024-06-01 11:00:00+00:00")
        _event(connection, 2, "status:reopened", "2024-06-02 09:00:00+00:00")
        _event(connection, 4, "set_answer", "2024-06-01 11:00:00+00:00")
        _event(connection, 4, "status:reopened", "2024-06-02 09:00:00+00:00")
        _event(connection, 4, "set_answer", "2024-06-03 09:00:00+00:00")

    migrate.upgrade(old_engine)

    with old_engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT id, answer_revision, answer_superseded_at IS NOT NULL FROM report ORDER BY id"
        )).all()  # fmt: skip
    assert [tuple(row) for row in rows] == [
        (1, 1, False),
        (2, 1, True),  # answered, then reopened: that answer no longer holds
        (3, 0, False),
        (4, 2, False),  # answered again after the reopening
    ]
