"""Stage wiring: after ingest, new post ids flow to annotate, then to triage.

Two runners with one interface and the same stage functions (`otklik.stage_runs`):
- `RqPipeline` (when `OTKLIK_REDIS_URL` is set) enqueues id batches on the named queues;
  the workers run `otklik.jobs`;
- `InProcessPipeline` (the embedded default, no Redis) runs the batches right away.
The database stays the source of truth: a post's `stage` says what is left to do, so work
lost with a queue (Redis restarted without persistence, a worker killed) is found again by
`stalled_posts` and resubmitted.
"""

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from typing import Any, Protocol

from redis import Redis
from rq import Queue, Retry
from sqlalchemy import Engine, exists, select
from sqlmodel import Session

from models.clock import now
from models.post import PipelineStage, Post
from models.quarantine import QuarantineRecord
from otklik import resources
from otklik.queues import QueueName, get_queue, redis_connection
from otklik.settings import Settings
from otklik.stage_runs import TriageTools, annotate_batch, triage_batch

ANNOTATE_JOB = "otklik.jobs.annotate_job"
TRIAGE_JOB = "otklik.jobs.triage_job"
CRAWL_JOB = "otklik.jobs.crawl_job"
STALLED_LIMIT = 20_000
QUEUED_AT_KEY = "otklik:queued-at"  # sorted set: post id -> when it was last enqueued


@dataclass
class Progress:
    """What a submission did: counts in-process, enqueued jobs on rq."""

    annotated: int = 0
    triaged: int = 0
    quarantined: int = 0
    jobs: int = 0


class Pipeline(Protocol):
    def after_ingest(self, post_ids: Sequence[int]) -> Progress: ...

    def after_annotate(self, post_ids: Sequence[int]) -> Progress: ...

    def queued_since(self, post_ids: Sequence[int], since: datetime) -> set[int]: ...


@dataclass
class InProcessPipeline:
    """Runs annotate then triage in this process, batch by batch."""

    engine: Engine
    annotator: Callable[[], Any]
    triage_tools: Callable[[], TriageTools]
    batch_size: int = 50

    def after_ingest(self, post_ids: Sequence[int]) -> Progress:
        progress = Progress()
        for batch in batches(post_ids, self.batch_size):
            outcome = annotate_batch(
                self.engine, annotator=self.annotator(), post_ids=batch, isolate_failures=True
            )
            progress.annotated += len(outcome.annotated)
            progress.quarantined += len(outcome.quarantined)
            triaged = self.after_annotate(outcome.ready_for_triage)
            progress.triaged += triaged.triaged
            progress.quarantined += triaged.quarantined
        return progress

    def after_annotate(self, post_ids: Sequence[int]) -> Progress:
        progress = Progress()
        for batch in batches(post_ids, self.batch_size):
            outcome = triage_batch(
                self.engine, tools=self.triage_tools(), post_ids=batch, isolate_failures=True
            )
            progress.triaged += len(outcome.triaged)
            progress.quarantined += len(outcome.quarantined)
        return progress

    def queued_since(self, post_ids: Sequence[int], since: datetime) -> set[int]:
        return set()  # nothing waits in a queue: a batch runs when it is submitted


@dataclass
class RqPipeline:
    """Enqueues id batches on the nlp and triage queues, with retries."""

    connection: Redis
    batch_size: int = 50
    retry: Retry = field(default_factory=lambda: Retry(max=3, interval=[10, 20, 40]))

    def after_ingest(self, post_ids: Sequence[int]) -> Progress:
        return self._enqueue(QueueName.NLP, ANNOTATE_JOB, post_ids)

    def after_annotate(self, post_ids: Sequence[int]) -> Progress:
        return self._enqueue(QueueName.TRIAGE, TRIAGE_JOB, post_ids)

    def enqueue_crawl(self, source_id: int) -> None:
        queue = get_queue(QueueName.CRAWL, connection=self.connection)
        queue.enqueue(CRAWL_JOB, source_id, retry=self.retry, description=f"crawl {source_id}")

    def queued_since(self, post_ids: Sequence[int], since: datetime) -> set[int]:
        """The posts enqueued at or after `since` (kept beside the queues: lost with them)."""
        found: set[int] = set()
        for batch in batches(post_ids, 1000):
            scores = self.connection.zmscore(QUEUED_AT_KEY, [str(i) for i in batch])
            cutoff = since.timestamp()
            found.update(i for i, at in zip(batch, scores, strict=True) if at and at >= cutoff)
        return found

    def forget_queued_before(self, moment: datetime) -> None:
        self.connection.zremrangebyscore(QUEUED_AT_KEY, "-inf", f"({moment.timestamp()}")

    def _enqueue(self, name: QueueName, job: str, post_ids: Sequence[int]) -> Progress:
        queue: Queue = get_queue(name, connection=self.connection)
        progress = Progress()
        for batch in batches(post_ids, self.batch_size):
            queue.enqueue(job, batch, retry=self.retry, description=f"{job} x{len(batch)}")
            at = now().timestamp()
            self.connection.zadd(QUEUED_AT_KEY, {str(post_id): at for post_id in batch})
            progress.jobs += 1
        return progress


def job_retry(settings: Settings) -> Retry:
    """`job_max_retries` retries, the delay doubling from `job_retry_interval_seconds`."""
    first = settings.job_retry_interval_seconds
    return Retry(
        max=settings.job_max_retries,
        interval=[first * 2**attempt for attempt in range(settings.job_max_retries)],
    )


def rq_pipeline(settings: Settings, *, connection: Redis) -> RqPipeline:
    return RqPipeline(
        connection=connection, batch_size=settings.pipeline_batch_size, retry=job_retry(settings)
    )


def configured_pipeline(settings: Settings, *, engine: Engine) -> Pipeline:
    """rq when `OTKLIK_REDIS_URL` is set, else in-process (the embedded default)."""
    if settings.redis_url:
        return rq_pipeline(settings, connection=redis_connection(settings.redis_url))
    return InProcessPipeline(
        engine=engine,
        annotator=resources.current_annotator,
        triage_tools=resources.triage_tools,
        batch_size=settings.pipeline_batch_size,
    )


def stalled_posts(
    engine: Engine, *, stage: PipelineStage, fetched_before: datetime, limit: int = STALLED_LIMIT
) -> list[int]:
    """Posts still at `stage` although fetched before `fetched_before` (not quarantined)."""
    quarantined = exists().where(
        QuarantineRecord.post_id == Post.id,  # type: ignore[arg-type]
        QuarantineRecord.resolved.is_(False),  # type: ignore[attr-defined]
    )
    statement = (
        select(Post.id)
        .where(Post.stage == stage, Post.fetched_at < fetched_before, ~quarantined)  # type: ignore[arg-type]
        .order_by(Post.id)  # type: ignore[arg-type]
        .limit(limit)
    )
    with Session(engine) as session:
        return [int(post_id) for post_id in session.execute(statement).scalars()]


def resume_stalled(pipeline: Pipeline, engine: Engine, *, fetched_before: datetime) -> Progress:
    """Resubmit what a lost queue or a killed worker left behind; stages skip finished posts.

    A post is stalled when it was fetched and last queued before `fetched_before`: a backlog
    queued since is only waiting.
    """
    waiting = _not_queued_since(
        pipeline,
        stalled_posts(engine, stage=PipelineStage.INGESTED, fetched_before=fetched_before),
        fetched_before,
    )
    annotated = _not_queued_since(
        pipeline,
        stalled_posts(engine, stage=PipelineStage.ANNOTATED, fetched_before=fetched_before),
        fetched_before,
    )
    if isinstance(pipeline, RqPipeline):
        pipeline.forget_queued_before(fetched_before)  # older marks say no more than none
    first = pipeline.after_ingest(waiting)
    second = pipeline.after_annotate(annotated)
    return Progress(
        annotated=first.annotated,
        triaged=first.triaged + second.triaged,
        quarantined=first.quarantined + second.quarantined,
        jobs=first.jobs + second.jobs,
    )


def _not_queued_since(pipeline: Pipeline, post_ids: list[int], since: datetime) -> list[int]:
    recent = pipeline.queued_since(post_ids, since)
    return [post_id for post_id in post_ids if post_id not in recent]


def batches(ids: Sequence[int], size: int) -> Iterator[list[int]]:
    iterator = iter(ids)
    while batch := list(islice(iterator, size)):
        yield batch


def forward_new_posts(post_ids: Sequence[int]) -> Progress:
    """Send freshly ingested posts on (what the ingest commands call after an import)."""
    from otklik.runtime import get_engine
    from otklik.settings import get_settings

    return configured_pipeline(get_settings(), engine=get_engine()).after_ingest(post_ids)
