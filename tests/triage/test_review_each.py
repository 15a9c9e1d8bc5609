"""«Все в ветке / в инциденте» decides posts in batches (`triage.batch_review`); the result
must be the per-post path's (`review_each_alone`), row for row.

The same thread is built twice in the same database (emptied in between) under a frozen
clock, decided once post by post and once in batches, and every table a decision writes is
compared: audit events (in order), annotations, training labels, posts, incidents, their
members, reports and notifications.
"""

import shutil
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, select, text
from sqlmodel import Session, SQLModel

from models.annotation import current_annotation
from models.audit import AuditEvent
from models.clock import frozen_at
from models.db import make_engine
from models.incident import Incident
from models.learning import TrainingLabel
from models.post import Post, ReviewStatus
from models.user import Role
from tests.triage import factories as f
from triage.accounts import create_user
from triage.calendar import WorkCalendar
from triage.incidents import attach_post, create_incident
from triage.lifecycle import change_status
from triage.moderation import (
    Decision,
    EachReviewed,
    confirm_post,
    review_each,
    review_each_alone,
)
from triage.reports import create_report
from triage.scope import OutOfScope, Scope

NEWS = "-1_700"
GONE = 10_000  # a post removed meanwhile
TABLES = ("auditevent", "annotation", "traininglabel", "post", "incident", "incidentpost",
          "report", "notification")  # fmt: skip
POST_COLUMNS = ("id", "review_status", "version", "text")
Review = Callable[..., EachReviewed]


def _post(session: Session, town: int, text: str, *, hours: int, topic: str,
          is_signal: bool = True) -> int:  # fmt: skip
    return f.annotated_post(session, source_id=f.source(session), municipality_id=town,
                            category=topic.split("_")[0], topic=topic, text=text,
                            is_signal=is_signal, parent_external_id=NEWS,
                            published_at=f.MONDAY + timedelta(hours=hours))  # fmt: skip


def _incident(session: Session, post_ids: list[int]) -> Incident:
    """An incident titled after the first post, the others attached."""
    first, *others = (session.get_one(Post, i) for i in post_ids)
    annotation = current_annotation(session, post_id=first.id or 0)
    incident = create_incident(session, post=first, annotation=annotation, address=None,
                               reason={"rule": "new"}, actor="pipeline")  # fmt: skip
    for post in others:
        attach_post(session, incident=incident, post=post, reason={"rule": "address+problem"},
                    similarity=1.0, attached_by="pipeline")  # fmt: skip
    session.flush()
    return incident


def _report(session: Session, incident: Incident, *, sent: bool) -> None:
    calendar = WorkCalendar()
    report = create_report(session, incident_id=incident.id or 0, actor="olga", user_id=None,
                           expected_version=incident.version, calendar=calendar)  # fmt: skip
    if sent:
        change_status(session, report_id=report.id or 0, status="sent", actor="olga",
                      user_id=None, expected_version=report.version, calendar=calendar)  # fmt: skip


def _thread(session: Session) -> list[int]:
    """The thread's posts, in the queue's order, and one removed:
    - incident A: its title post, then two more of other problems (each, when the post
      before it leaves, titles A and gives it its labels); all leave: A closes;
    - incident B, with an open report: its title post leaves (B takes the next title, not
      its labels); one more post of B was confirmed by another moderator meanwhile;
    - incident C, with a report sent: its one post leaves, C closes, the report withdrawn;
    - a post of no incident, and one the model read as no signal;
    - the title post of A again, at the end (decided already: skipped)."""
    f.taxonomy(session)
    town = f.municipality(session, "Пермский городской округ")
    a1 = _post(session, town, "Калинина 12: в подвале прорвало трубу", hours=0,
               topic="housing_pipe_burst")  # fmt: skip
    a2 = _post(session, town, "Калинина 12: яма у подъезда", hours=1, topic="roads_potholes")
    a3 = _post(session, town, "Калинина 12: не горит фонарь", hours=2, topic="amenities_lighting")
    b1 = _post(session, town, "Мира 5: течёт вода из трубы", hours=3, topic="housing_pipe_burst")
    b2 = _post(session, town, "Мира 5: темно во дворе", hours=4, topic="amenities_lighting")
    b3 = _post(session, town, "Мира 5: снова течёт", hours=5, topic="housing_pipe_burst")
    c1 = _post(session, town, "Ленина 1: прорвало трубу", hours=6, topic="housing_pipe_burst")
    d1 = _post(session, town, "Ленина 9: огромная яма", hours=7, topic="roads_potholes")
    e1 = _post(session, town, "Спасибо за новости", hours=8, topic="roads_potholes",
               is_signal=False)  # fmt: skip
    for members in ([a1, a2, a3], [b1, b2, b3]):
        _incident(session, members)
    incident_b = session.get_one(Incident, 2)
    _report(session, incident_b, sent=False)
    _report(session, _incident(session, [c1]), sent=True)
    session.commit()
    return [b1, a1, b3, a2, e1, GONE, c1, a3, d1, a1]


def _decide(session: Session, review: Review, *, is_signal: bool | None) -> EachReviewed:
    """The thread decided by anna (`is_signal` None: «Не сигнал» and «Подтвердить» by
    turns), after boris confirmed b3."""
    order = _thread(session)
    versions = {p: v for p, v in session.execute(select(Post.id, Post.version))}
    b3 = order[2]
    confirm_post(session, post_id=b3, expected_version=versions[b3], actor="boris", user_id=None)
    session.commit()
    decisions = [
        Decision(p, versions.get(p, 1), is_signal=bool(n % 2) if is_signal is None else is_signal)
        for n, p in enumerate(order)
    ]
    anna = create_user(session, username="anna", password="anna-password", role=Role.MODERATOR)
    return review(session, decisions=decisions, actor="anna", user_id=anna.id)


def _state(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    with engine.connect() as connection:
        return {
            name: [dict(row._mapping) for row in connection.execute(_select(name))]
            for name in TABLES
        }


def _select(name: str) -> Any:
    table = SQLModel.metadata.tables[name]
    columns = [table.c[c] for c in POST_COLUMNS] if name == "post" else list(table.c)
    order = [table.c[c.name] for c in table.primary_key.columns]
    return select(*columns).order_by(*order)


@pytest.fixture
def fresh(
    database_url: str, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[Callable[[], Engine]]:
    """A maker of an empty migrated database on the test's backend: a new SQLite file, or
    the PostgreSQL database emptied (its ids counted from 1 again)."""
    engines: list[Engine] = []

    def make() -> Engine:
        if database_url.startswith("sqlite"):
            path = tmp_path / f"run{len(engines)}.db"
            shutil.copy(request.getfixturevalue("sqlite_template"), path)
            engines.append(make_engine(f"sqlite:///{path}"))
        else:
            engines.append(make_engine(database_url))
            names = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
            with engines[-1].begin() as connection:
                connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        return engines[-1]

    yield make
    for engine in engines:
        engine.dispose()


def _both(
    fresh: Callable[[], Engine], *, is_signal: bool | None
) -> list[tuple[EachReviewed, dict[str, Any]]]:
    results = []
    for review in (review_each_alone, review_each):
        engine = fresh()
        with frozen_at(f.MONDAY + timedelta(days=1)), Session(engine) as session:
            outcome = _decide(session, review, is_signal=is_signal)
        results.append((outcome, _state(engine)))
    return results


@pytest.mark.parametrize("is_signal", [False, True, None], ids=["not_signal", "confirm", "mixed"])
def test_batched_decisions_leave_the_database_as_the_per_post_path_does(
    fresh: Callable[[], Engine], is_signal: bool | None
) -> None:
    (alone, before), (batched, after) = _both(fresh, is_signal=is_signal)

    assert batched == alone
    assert batched.skipped == [6, GONE, 1]  # b3, changed by boris; one removed; a1 again
    for name in TABLES:
        assert after[name] == before[name], name


def test_the_thread_marked_not_signal_empties_and_retitles_as_it_should(
    fresh: Callable[[], Engine],
) -> None:
    """What the compared state holds (guards the scenario: the old path does the same)."""
    ((_, state), _) = _both(fresh, is_signal=False)
    actions = [row["action"] for row in state["auditevent"]]
    assert actions.count("relabel") == 2  # A after a2, then after a3; not B (its report)
    assert actions.count("close_empty") == 2  # A and C
    assert actions.count("detach") == 5
    assert "close_with_incident" in actions  # C's report withdrawn
    incidents = {row["id"]: row for row in state["incident"]}
    assert incidents[2]["title"] == "Мира 5: темно во дворе"  # B titled after its next post
    assert incidents[2]["category_code"] == "housing"  # not its labels: B has a report
    assert [incidents[i]["status"] for i in (1, 2, 3)] == ["closed", "reported", "closed"]


def test_a_batch_reads_and_writes_in_statements_not_per_post(
    fresh: Callable[[], Engine],
) -> None:
    """New: the number of SQL statements does not grow with the thread (the per-post path
    sends a dozen or more per post)."""
    counts = []
    for size in (10, 30):
        engine = fresh()
        with Session(engine) as session:
            f.taxonomy(session)
            town = f.municipality(session, "Пермский городской округ")
            ids = [_post(session, town, f"Калинина {n}: яма", hours=n, topic="roads_potholes")
                   for n in range(size)]  # fmt: skip
            for n in range(0, size, 5):
                _incident(session, ids[n : n + 5])
            session.commit()
            sent = _count(engine, session, [Decision(p, 1, is_signal=False) for p in ids])
        counts.append(sent)
    assert counts[0] == counts[1] < 40


def _count(engine: Engine, session: Session, decisions: list[Decision]) -> int:
    """How many SQL statements `review_each` sends for `decisions`."""
    sent: list[str] = []

    def note(*args: object) -> None:
        sent.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", note)
    try:
        review_each(session, decisions=decisions, actor="anna", user_id=None)
    finally:
        event.remove(engine, "before_cursor_execute", note)
    return len(sent)


def test_a_post_changed_between_the_read_and_the_write_is_skipped(engine: Engine) -> None:
    """Guards behaviour (the per-post path skips it too): another writer bumps a post's
    version just before the batch's conditional UPDATE; that post is skipped, named, and
    left as the other writer left it."""
    with Session(engine) as session:
        f.taxonomy(session)
        town = f.municipality(session, "Пермский городской округ")
        ids = [_post(session, town, f"Мира {n}: яма", hours=n, topic="roads_potholes")
               for n in range(3)]  # fmt: skip
        session.commit()
        bumped: list[bool] = []

        def meanwhile(connection: Any, cursor: Any, statement: str, *args: object) -> None:
            if statement.startswith("UPDATE post SET") and "version" in statement and not bumped:
                bumped.append(True)
                cursor.execute(f"UPDATE post SET version = version + 1 WHERE id = {ids[1]}")

        event.listen(engine, "before_cursor_execute", meanwhile)
        try:
            done = review_each(session, decisions=[Decision(p, 1, is_signal=False) for p in ids],
                               actor="anna", user_id=None)  # fmt: skip
        finally:
            event.remove(engine, "before_cursor_execute", meanwhile)

    assert (done.decided, done.skipped) == ([ids[0], ids[2]], [ids[1]])
    with Session(engine) as session:
        statuses = dict(session.execute(select(Post.id, Post.review_status)).all())
        labels = session.execute(select(TrainingLabel.post_id)).scalars().all()
        reviews = session.execute(select(AuditEvent.entity_id)).scalars().all()
    assert statuses[ids[1]] == ReviewStatus.NEEDS_REVIEW or statuses[ids[1]] == "pending"
    assert sorted(labels) == sorted(reviews) == [ids[0], ids[2]]


@pytest.mark.parametrize("review", [review_each, review_each_alone], ids=["batched", "alone"])
def test_a_post_outside_the_territory_undoes_the_whole_decision(
    engine: Engine, review: Review
) -> None:
    """OutOfScope on any post (here after others were decided) undoes all, on the batched
    path and on the per-post one, whose savepoints on SQLite used to commit each post
    (`models.db`: a transaction is begun before a savepoint)."""
    with Session(engine) as session:
        f.taxonomy(session)
        perm = f.municipality(session, "Пермский городской округ")
        kungur = f.municipality(session, "Кунгурский муниципальный округ")
        ids = [_post(session, perm, "Мира 1: яма", hours=0, topic="roads_potholes"),
               _post(session, perm, "Мира 2: яма", hours=1, topic="roads_potholes"),
               _post(session, kungur, "Мира 3: яма", hours=2, topic="roads_potholes")]  # fmt: skip
        session.commit()
        with pytest.raises(OutOfScope) as refused:
            review(session, decisions=[Decision(p, 1, is_signal=False) for p in ids],
                   actor="anna", user_id=None,
                   scope=Scope(municipality_ids=frozenset({perm})))  # fmt: skip
    assert refused.value.entity_id == ids[2]
    with Session(engine) as session:
        assert session.execute(select(TrainingLabel)).first() is None
        assert set(session.execute(select(Post.version)).scalars()) == {1}
