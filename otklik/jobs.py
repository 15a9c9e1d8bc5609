"""rq job functions: importable, top-level, taking ids and small values, never ORM objects.

Each job builds what it needs from settings (the engine and heavy objects are cached per
process in `otklik.runtime` / `otklik.resources`, so an NLP worker loads its model once)
and calls the same stage functions the in-process path calls. Jobs are idempotent: a post's
`stage` says what is done, so a retried or duplicated job changes nothing twice.
"""

import logging
from datetime import timedelta
from typing import Any

from redis import Redis
from rq import get_current_job
from sqlmodel import Session

from models.clock import now
from otklik import resources
from otklik.crawl_guard import redis_guard
from otklik.crawls import crawlable_sources, interval_for, run_crawl
from otklik.pipeline import RqPipeline, resume_stalled, rq_pipeline
from otklik.queues import redis_connection
from otklik.runtime import get_engine
from otklik.settings import get_settings
from otklik.stage_runs import annotate_batch, triage_batch

log = logging.getLogger(__name__)


def crawl_job(source_id: int) -> dict[str, Any]:
    """Crawl one source (never two crawls of it at once) and enqueue its new posts for NLP."""
    settings = get_settings()
    connection = _connection()
    report = run_crawl(
        get_engine(),
        source_id=source_id,
        clients=resources.clients(),
        lemmatize=resources.lemmatize_text,
        guard=redis_guard(connection, ttl_seconds=settings.crawl_lock_ttl_seconds),
        pipeline=_pipeline(connection),
    )
    if not report.ran:
        log.info("source %s: a crawl is already running, skipped", source_id)
    return {"ran": report.ran, "status": report.status, "new": report.new}


def annotate_job(post_ids: list[int]) -> dict[str, Any]:
    """Annotate a batch; on the last attempt a post that still crashes NLP is quarantined."""
    outcome = annotate_batch(
        get_engine(),
        annotator=resources.current_annotator(),
        post_ids=post_ids,
        isolate_failures=_last_attempt(),
    )
    _pipeline(_connection()).after_annotate(outcome.ready_for_triage)
    return {"annotated": len(outcome.annotated), "quarantined": outcome.quarantined}


def triage_job(post_ids: list[int]) -> dict[str, Any]:
    """Triage a batch; on the last attempt a post that still crashes triage is quarantined."""
    outcome = triage_batch(
        get_engine(),
        tools=resources.triage_tools(),
        post_ids=post_ids,
        isolate_failures=_last_attempt(),
    )
    return {"triaged": len(outcome.triaged), "quarantined": outcome.quarantined}


def schedule_due_crawls() -> list[int]:
    """Enqueue a crawl for every live source whose interval has passed (run every minute)."""
    settings = get_settings()
    connection = _connection()
    pipeline = _pipeline(connection)
    due: list[int] = []
    with Session(get_engine()) as session:
        sources = crawlable_sources(session, at=now())
        intervals = {
            source.id: interval_for(
                source,
                hot_seconds=settings.crawl_interval_hot_seconds,
                default_seconds=settings.crawl_interval_seconds,
            )
            for source in sources
            if source.id is not None
        }
    for source_id, interval in intervals.items():
        # One enqueue per interval, however many schedulers run: an atomic SET NX with a TTL.
        # The marker expires a little before the interval ends: written a moment after this
        # tick, it would otherwise outlive the next tick and 60 s would become 120 s.
        if connection.set(f"otklik:crawl-due:{source_id}", "1", nx=True, ex=_marker_ttl(interval)):
            pipeline.enqueue_crawl(source_id)
            due.append(source_id)
    return due


DUE_MARKER_SLACK_SECONDS = 5


def _marker_ttl(interval: int) -> int:
    return (
        interval - DUE_MARKER_SLACK_SECONDS if interval > 2 * DUE_MARKER_SLACK_SECONDS else interval
    )


def resume_stalled_job(stall_seconds: int | None = None) -> dict[str, int]:
    """Re-enqueue posts a lost queue or a killed worker left behind in a stage."""
    settings = get_settings()
    seconds = settings.pipeline_stall_seconds if stall_seconds is None else stall_seconds
    progress = resume_stalled(
        _pipeline(_connection()), get_engine(), fetched_before=now() - timedelta(seconds=seconds)
    )
    return {"jobs": progress.jobs}


def sla_check_job() -> Any:
    """Escalate reports past their deadline (TRIAGE's SLA engine), tell who must know."""
    from triage.notifications import record_deadline_notices
    from triage.sla_check import sla_check

    with Session(get_engine()) as session:
        result = sla_check(
            session, soon_hours=get_settings().sla_soon_due_hours, calendar=resources.calendar()
        )
        record_deadline_notices(session, soon_due=result.soon_due, overdue=result.overdue)
        session.commit()
    dispatch_notifications_job()
    return result


def purge_retention_job() -> int:
    """Purge raw vendor payloads older than `retention_days` (152-ФЗ)."""
    from otklik.privacy import purge_raw_payloads

    settings = get_settings()
    with Session(get_engine()) as session:
        return purge_raw_payloads(session, older_than_days=settings.retention_days)


def retrain_job() -> dict[str, Any]:
    """Train a candidate on the moderators' labels; promote it only if it is not worse."""
    from nlp.learning import LearningError, retrain_and_decide

    settings = get_settings()
    with Session(get_engine()) as session:
        try:
            decision = retrain_and_decide(
                session,
                model_dir=settings.model_dir,
                data_dir=settings.data_dir,
                lemmatizer=resources.lemmatizer(),
            )
        except LearningError as error:  # too few labels yet: expected, not a failure
            return {"trained": False, "reason": str(error)}
    return {"trained": True, "promoted": decision.promoted, "reason": decision.reason}


def learn_settlements_job() -> dict[str, Any]:
    """Learn the villages moderators' confirmed posts name that the gazetteer lacks (what
    `otklik geo learn-settlements` does with its defaults); workers read them at their next
    batch (`resources.current_annotator`)."""
    from nlp.gazetteer import Gazetteer
    from nlp.settlement_learning import confirmed_posts, learn_settlements

    settings = get_settings()
    with Session(get_engine()) as session:
        gazetteer = Gazetteer.from_session(
            session, lemmatizer=resources.lemmatizer(), region_code=settings.region_code
        )
        summary = learn_settlements(
            session,
            confirmed_posts(session, list(gazetteer.municipalities)),
            gazetteer=gazetteer,
            region_code=settings.region_code,
        )
    return {
        "texts": summary.texts,
        "learned": [name for name, _, _ in summary.learned],
        "withdrawn": [name for name, _ in summary.withdrawn],
        "ambiguous": [name for name, _ in summary.ambiguous],
    }


class PublishNotYet(Exception):
    """A publication the network refused for now (captcha, flood, an outage): rq retries it."""


def publish_job(publication_id: int) -> dict[str, Any]:
    """Deliver one publication; a refusal worth retrying fails the job until rq gives up."""
    from models.publication import OPEN
    from triage.publishing import deliver

    with Session(get_engine()) as session:
        publication = deliver(
            session, publication_id=publication_id, publisher=resources.answer_writers()
        )
        status, detail = publication.status, publication.detail
    if status in OPEN and not _last_attempt():  # refused for now, or another attempt's lease
        raise PublishNotYet(f"publication {publication_id}: {status} ({detail})")
    return {"status": status}


def resume_publications_job() -> int:
    """Re-enqueue open publications nothing has touched for an hour (lost or killed jobs)."""
    from otklik.publishing import resume_publications

    return resume_publications(get_engine(), connection=_connection(), settings=get_settings())


def _connection() -> Redis:
    """The running job's own Redis connection; outside a worker, the configured one."""
    job = get_current_job()
    if job is not None:
        return job.connection
    url = get_settings().redis_url
    if not url:
        raise RuntimeError("rq jobs need OTKLIK_REDIS_URL")
    return redis_connection(url)


def _pipeline(connection: Redis) -> RqPipeline:
    return rq_pipeline(get_settings(), connection=connection)


def _last_attempt() -> bool:
    """True outside rq, and on the attempt after which rq will not retry again."""
    job = get_current_job()
    return job is None or not job.retries_left


# Notifications (otklik/notify.py): the outbox is handed to one rq job per delivery.


def dispatch_notifications_job() -> list[int]:
    """Enqueue a delivery job, retried with a doubling backoff, for each pending outbox row."""
    from rq import Retry

    from otklik.notify import dispatch
    from otklik.queues import QueueName, get_queue
    from otklik.wiring import notify_retry_intervals

    settings = get_settings()
    queue = get_queue(QueueName.MAINTENANCE, connection=_connection())
    intervals = notify_retry_intervals(settings)
    retry = Retry(max=len(intervals), interval=intervals) if intervals else None

    def enqueue(notification_id: int) -> None:
        queue.enqueue(
            deliver_notification_job,
            notification_id,
            retry=retry,
            description=f"notify {notification_id}",
        )

    with Session(get_engine()) as session:
        return dispatch(session, enqueue=enqueue)


def deliver_notification_job(notification_id: int) -> str:
    """Send one outbox row (never one already sent); a failure raises so rq retries it."""
    from otklik.notify import deliver
    from otklik.wiring import senders_from_settings

    settings = get_settings()
    with Session(get_engine()) as session:
        return deliver(
            session,
            notification_id=notification_id,
            senders=senders_from_settings(settings),
            max_attempts=settings.notify_max_attempts,
        )
