"""PostgreSQL drops the job's connection mid-transaction: the job fails, is retried, and
leaves no partial writes."""

from rq import Queue
from rq.job import Job
from rq.registry import FailedJobRegistry, FinishedJobRegistry
from sqlalchemy import text
from sqlalchemy.engine import make_url

from otklik.pipeline import forward_new_posts
from otklik.queues import QueueName
from otklik.settings import get_settings
from tests.faults.conftest import Stack, wait_until
from tests.faults.helpers import annotation_counts, many_posts, stage_counts

BLOCKED_BACKEND = """
SELECT pid FROM pg_stat_activity
WHERE datname = :database AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()
"""


def test_a_dropped_connection_fails_the_job_which_retries_without_partial_writes(
    stack: Stack,
) -> None:
    ids = many_posts(stack.engine, 30)
    forward_new_posts(ids)
    database = make_url(stack.database_url).database
    blocker = stack.engine.connect()
    blocker.execute(text("LOCK TABLE annotation IN ACCESS EXCLUSIVE MODE"))
    watcher = stack.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    worker = stack.start_worker("nlp", burst=True)
    try:
        # The job has claimed its posts and now waits on the annotation table: drop it.
        pids: list[int] = []

        def blocked() -> bool:
            # A fresh snapshot each time: pg_stat_activity is frozen inside a transaction.
            pids[:] = watcher.execute(text(BLOCKED_BACKEND), {"database": database}).scalars()
            return bool(pids)

        wait_until(blocked, timeout=90, what="the job to reach the annotation table")
        watcher.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pids[0]})
    finally:
        blocker.rollback()
        blocker.close()
        watcher.close()
    assert worker.wait(timeout=120) == 0, worker.stderr.read().decode()[-3000:]  # type: ignore[union-attr]

    assert stage_counts(stack.engine) == {"annotated": len(ids)}
    assert set(annotation_counts(stack.engine).values()) == {1}
    nlp_queue = Queue(QueueName.NLP, connection=stack.redis)
    assert FailedJobRegistry(queue=nlp_queue).count == 0
    finished = FinishedJobRegistry(queue=nlp_queue).get_job_ids()
    retries = [Job.fetch(job_id, connection=stack.redis).retries_left for job_id in finished]
    assert retries == [get_settings().job_max_retries - 1]  # it failed once, then succeeded
