"""A worker SIGKILLed in the middle of an annotation batch loses nothing and repeats nothing."""

import pytest
from rq import Queue

from otklik.pipeline import forward_new_posts
from otklik.queues import QueueName
from tests.faults.conftest import Stack, kill_group, wait_until
from tests.faults.helpers import annotated, annotation_counts, many_posts, stage_counts

POSTS = 600


def test_worker_killed_mid_batch_then_restarted_annotates_every_post_once(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OTKLIK_PIPELINE_BATCH_SIZE", "20")
    ids = many_posts(stack.engine, POSTS)
    forward_new_posts(ids)
    worker = stack.start_worker("nlp")
    try:
        wait_until(lambda: annotated(stack.engine) >= 40, timeout=60, what="annotation to start")
    finally:
        kill_group(worker)
    done_when_killed = annotated(stack.engine)
    assert done_when_killed < POSTS, "the worker finished before it could be killed"

    # What cron does every few minutes: re-enqueue what is stuck; then a fresh worker.
    Queue(QueueName.MAINTENANCE, connection=stack.redis).enqueue(
        "otklik.jobs.resume_stalled_job", 0
    )
    restarted = stack.start_worker("nlp,maintenance", burst=True)
    assert restarted.wait(timeout=120) == 0, restarted.stderr.read().decode()[-3000:]

    assert stage_counts(stack.engine) == {"annotated": POSTS}
    counts = annotation_counts(stack.engine)
    assert len(counts) == POSTS and set(counts.values()) == {1}
