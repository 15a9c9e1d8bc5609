from datetime import UTC, datetime

import pytest
from redis import Redis
from rq import Queue, SimpleWorker
from sqlalchemy import Engine, func, select
from sqlmodel import Session

from models.annotation import Annotation
from models.clock import frozen_at
from models.post import PipelineStage, Post, ReviewStatus
from otklik import jobs, resources
from otklik.pipeline import InProcessPipeline, RqPipeline, configured_pipeline, forward_new_posts
from otklik.queues import ALL_QUEUES, QueueName
from otklik.settings import get_settings
from tests.pipeline.helpers import COMPLAINTS, make_source, store


def _stages(engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        rows = session.execute(select(Post.stage, func.count()).group_by(Post.stage)).all()
    return {str(stage): count for stage, count in rows}


def _annotations_per_post(engine: Engine) -> set[int]:
    with Session(engine) as session:
        rows = session.execute(
            select(func.count()).select_from(Annotation).group_by(Annotation.post_id)
        ).scalars()
        return set(rows)


def _drain(connection: Redis) -> None:
    queues = [Queue(name, connection=connection) for name in ALL_QUEUES]
    SimpleWorker(queues, connection=connection).work(burst=True, with_scheduler=False)


def test_in_process_pipeline_annotates_and_triages_each_post_once(seeded: Engine) -> None:
    with Session(seeded) as session:
        ids = store(session, source_id=make_source(session), texts=COMPLAINTS)
    pipeline = configured_pipeline(get_settings(), engine=seeded)
    assert isinstance(pipeline, InProcessPipeline)

    first = pipeline.after_ingest(ids)
    second = pipeline.after_ingest(ids)  # a duplicated submission changes nothing

    assert (first.annotated, first.triaged) == (len(ids), len(ids))
    assert (second.annotated, second.triaged) == (0, 0)
    assert _stages(seeded) == {PipelineStage.TRIAGED: len(ids)}
    assert _annotations_per_post(seeded) == {1}
    with Session(seeded) as session:
        statuses = set(session.execute(select(Post.review_status)).scalars())
    assert ReviewStatus.PENDING not in statuses


def test_rq_pipeline_runs_the_same_stages_through_the_queues(
    seeded: Engine, on_redis: Redis
) -> None:
    with Session(seeded) as session:
        ids = store(session, source_id=make_source(session), texts=COMPLAINTS)
    pipeline = configured_pipeline(get_settings(), engine=seeded)
    assert isinstance(pipeline, RqPipeline)

    submitted = forward_new_posts(ids)
    assert submitted.jobs == 1
    assert Queue(QueueName.NLP, connection=on_redis).count == 1
    _drain(on_redis)

    assert _stages(seeded) == {PipelineStage.TRIAGED: len(ids)}
    assert _annotations_per_post(seeded) == {1}


def test_duplicated_and_retried_jobs_change_nothing_twice(seeded: Engine, on_redis: Redis) -> None:
    with Session(seeded) as session:
        ids = store(session, source_id=make_source(session), texts=COMPLAINTS)
    first = jobs.annotate_job(ids)
    again = jobs.annotate_job(ids)
    assert (first["annotated"], again["annotated"]) == (len(ids), 0)
    _drain(on_redis)  # two triage jobs for the same ids were enqueued
    assert jobs.triage_job(ids) == {"triaged": 0, "quarantined": []}
    assert _stages(seeded) == {PipelineStage.TRIAGED: len(ids)}
    assert _annotations_per_post(seeded) == {1}


def test_stalled_posts_are_picked_up_again(seeded: Engine, on_redis: Redis) -> None:
    """Redis lost its queue (or a worker died): the database still says what is left to do."""
    with Session(seeded) as session:
        ids = store(session, source_id=make_source(session), texts=COMPLAINTS)
    forward_new_posts(ids)
    on_redis.flushdb()  # the queued jobs are gone

    assert jobs.resume_stalled_job(stall_seconds=0) == {"jobs": 1}
    _drain(on_redis)
    assert _stages(seeded) == {PipelineStage.TRIAGED: len(ids)}


@pytest.fixture(autouse=True)
def _fresh_resources() -> None:
    resources.triage_tools.cache_clear()


def test_the_sweep_leaves_a_backlog_that_is_only_waiting(seeded: Engine, on_redis: Redis) -> None:
    """Posts fetched long ago but queued just now are waiting, not stalled: the sweep keys on
    when a post was last queued, so it enqueues nothing until the queue is really lost."""
    with frozen_at(datetime(2024, 1, 1, tzinfo=UTC)), Session(seeded) as session:
        ids = store(session, source_id=make_source(session), texts=COMPLAINTS * 20)
    forward_new_posts(ids)  # a backlog: nobody works the queue yet
    queued = Queue(QueueName.NLP, connection=on_redis).count

    sweeps = [jobs.resume_stalled_job(stall_seconds=600) for _ in range(3)]

    assert sweeps == [{"jobs": 0}] * 3
    assert Queue(QueueName.NLP, connection=on_redis).count == queued
    on_redis.flushdb()  # now the queue is lost: everything comes back
    assert jobs.resume_stalled_job(stall_seconds=600)["jobs"] == queued
