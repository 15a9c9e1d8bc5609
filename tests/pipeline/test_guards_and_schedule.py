from datetime import UTC, datetime, timedelta

import pytest
from redis import Redis
from rq import Queue
from sqlalchemy import Engine
from sqlmodel import Session

from models.clock import frozen_at
from models.lease import acquire_lease
from models.source import Source, SourceStatus
from otklik import jobs
from otklik.crawl_guard import database_guard, redis_guard
from otklik.crawls import interval_for
from otklik.queues import QueueName, parse_queue_names
from otklik.settings import get_settings
from tests.pipeline.helpers import make_source


def test_database_guard_admits_one_crawl_per_source(engine: Engine) -> None:
    guard = database_guard(engine, ttl_seconds=60)
    with guard(1) as first, guard(1) as second, guard(2) as other:
        assert (first, second, other) == (True, False, True)
    with guard(1) as after_release:
        assert after_release


def test_an_expired_database_lease_is_taken_over(session: Session) -> None:
    start = datetime(2024, 1, 1, tzinfo=UTC)
    with frozen_at(start):
        assert acquire_lease(session, name="x", holder="a", ttl_seconds=60)
        assert not acquire_lease(session, name="x", holder="b", ttl_seconds=60)
    with frozen_at(start + timedelta(seconds=61)):
        assert acquire_lease(session, name="x", holder="b", ttl_seconds=60)


def test_redis_guard_admits_one_crawl_per_source(redis_conn: Redis) -> None:
    guard = redis_guard(redis_conn, ttl_seconds=60)
    with guard(1) as first, guard(1) as second:
        assert (first, second) == (True, False)
        assert 0 < redis_conn.ttl("otklik:crawl:1") <= 60
    with guard(1) as after_release:
        assert after_release


def test_intervals_come_from_the_source_or_the_defaults() -> None:
    hot = Source(kind="vk_wall", name="a", target="1", hot=True)
    own = Source(kind="vk_wall", name="b", target="2", interval_seconds=120)
    plain = Source(kind="vk_wall", name="c", target="3")
    got = [interval_for(s, hot_seconds=60, default_seconds=600) for s in (hot, own, plain)]
    assert got == [60, 120, 600]


def test_queue_names_are_checked() -> None:
    assert parse_queue_names("nlp, triage") == [QueueName.NLP, QueueName.TRIAGE]
    with pytest.raises(ValueError, match="unknown queue"):
        parse_queue_names("nlp,gpu")


def test_due_crawls_are_enqueued_once_per_interval_and_skip_dead_sources(
    on_redis: Redis, engine: Engine
) -> None:
    with Session(engine) as session:
        live = make_source(session, target="-1")
        broken = make_source(session, target="-2")
        waiting = make_source(session, target="-3")
        file_source = make_source(session, target="/tmp/x.json", kind="vk_dump")
        session.get(Source, broken).status = SourceStatus.BROKEN
        session.get(Source, waiting).retry_after = datetime.now(UTC) + timedelta(hours=1)
        session.commit()

    first = jobs.schedule_due_crawls()
    second = jobs.schedule_due_crawls()

    assert first == [live] and second == []
    assert broken not in first and waiting not in first and file_source not in first
    crawl_queue = Queue(QueueName.CRAWL, connection=on_redis)
    assert [job.args for job in crawl_queue.jobs] == [(live,)]
    assert crawl_queue.jobs[0].retries_left == get_settings().job_max_retries
