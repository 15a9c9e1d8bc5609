"""Publishing answers from the CLI and the console: request, then deliver now or on rq.

With `OTKLIK_REDIS_URL` each open publication becomes a job on the `publish` queue, retried
with doubling backoff (`OTKLIK_PUBLISH_MAX_RETRIES`, `OTKLIK_PUBLISH_RETRY_INTERVAL_SECONDS`);
without Redis it is delivered at once, and asking again retries what is still open.
"""

from dataclasses import dataclass
from datetime import timedelta

from redis import Redis
from rq import Retry
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from models.clock import now
from models.publication import Publication
from otklik.queues import QueueName, get_queue, redis_connection
from otklik.settings import Settings
from triage.publishing import (
    AnswerPublisher,
    deliver,
    open_publications,
    publish_anyway,
    report_publications,
    request_publication,
    stalled_publications,
)

PUBLISH_JOB = "otklik.jobs.publish_job"
STALL_SECONDS = 3600  # longer than the longest default backoff (60 s doubled 4 times)


@dataclass(frozen=True)
class PublishOutcome:
    publications: list[Publication]  # of the current answer, after this run
    queued: int  # jobs put on the publish queue (0 when delivered in this process)


def publish_report(
    engine: Engine,
    *,
    report_id: int,
    actor: str,
    user_id: int | None,
    publisher: AnswerPublisher,
    settings: Settings,
    answer_revision: int | None = None,
) -> PublishOutcome:
    """Record one publication per post (raises `TriageError` without a current answer, or
    when the answer is no longer the confirmed `answer_revision`)."""
    requested = _request(engine, report_id, publisher, actor, user_id, answer_revision)
    revision = requested[0].answer_revision
    waiting = open_publications(requested)
    if settings.redis_url:
        queue = get_queue(QueueName.PUBLISH, connection=redis_connection(settings.redis_url))
        for publication_id in waiting:
            queue.enqueue(PUBLISH_JOB, publication_id, retry=publish_retry(settings),
                          description=f"publish {publication_id}")  # fmt: skip
    else:
        for publication_id in waiting:
            with Session(engine) as session:
                deliver(session, publication_id=publication_id, publisher=publisher)
    with Session(engine, expire_on_commit=False) as session:
        current = [
            p
            for p in report_publications(session, report_id=report_id)
            if p.answer_revision == revision
        ]
    return PublishOutcome(current, len(waiting) if settings.redis_url else 0)


def publish_anyway_now(
    engine: Engine,
    *,
    publication_id: int,
    actor: str,
    user_id: int | None,
    publisher: AnswerPublisher,
    settings: Settings,
) -> Publication:
    """A person's decision: send a publication that waits in `needs_decision` after all
    (audited), at once or on the publish queue (raises `NoDecisionNeeded` otherwise)."""
    with Session(engine) as session:
        publish_anyway(session, publication_id=publication_id, actor=actor, user_id=user_id)
        session.commit()
    if settings.redis_url:
        queue = get_queue(QueueName.PUBLISH, connection=redis_connection(settings.redis_url))
        queue.enqueue(PUBLISH_JOB, publication_id, retry=publish_retry(settings),
                      description=f"publish {publication_id} (decided)")  # fmt: skip
    else:
        with Session(engine) as session:
            deliver(session, publication_id=publication_id, publisher=publisher)
    with Session(engine, expire_on_commit=False) as session:
        return session.get_one(Publication, publication_id)


def _request(
    engine: Engine,
    report_id: int,
    publisher: AnswerPublisher,
    actor: str,
    user_id: int | None,
    answer_revision: int | None,
) -> list[Publication]:
    """Request once; if a simultaneous request inserted the same rows first, reuse them."""
    for attempt in range(2):
        with Session(engine, expire_on_commit=False) as session:
            try:
                requested = request_publication(
                    session, report_id=report_id, publisher=publisher, actor=actor,
                    user_id=user_id, answer_revision=answer_revision,
                )  # fmt: skip
                session.commit()
                return requested
            except IntegrityError:
                if attempt:
                    raise
    raise AssertionError("unreachable")


def resume_publications(engine: Engine, *, connection: Redis, settings: Settings) -> int:
    """Enqueue again the open publications a lost job or a killed worker left behind."""
    with Session(engine) as session:
        stalled = stalled_publications(
            session, idle_before=now() - timedelta(seconds=STALL_SECONDS)
        )
    queue = get_queue(QueueName.PUBLISH, connection=connection)
    for publication_id in stalled:
        queue.enqueue(PUBLISH_JOB, publication_id, retry=publish_retry(settings),
                      description=f"publish {publication_id} (resumed)")  # fmt: skip
    return len(stalled)


def publish_retry(settings: Settings) -> Retry | None:
    """`publish_max_retries` retries, the delay doubling from the configured interval."""
    if settings.publish_max_retries == 0:
        return None
    first = settings.publish_retry_interval_seconds
    return Retry(
        max=settings.publish_max_retries,
        interval=[first * 2**attempt for attempt in range(settings.publish_max_retries)],
    )
