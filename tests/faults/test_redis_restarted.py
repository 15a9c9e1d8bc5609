"""Redis restarted mid-run, without persistence (every queued job lost): the work resumes
from what the database committed, and nothing committed is lost or done twice."""

from dataclasses import replace

import pytest
from redis import Redis
from rq import Queue

from otklik.pipeline import forward_new_posts
from otklik.queues import QueueName
from otklik.settings import get_settings
from tests.faults.conftest import RedisServer, Stack, kill_group, wait_until
from tests.faults.helpers import annotated, annotation_counts, many_posts, stage_counts

POSTS = 600


def test_redis_restarted_mid_run_loses_nothing_committed(
    stack: Stack, private_redis: RedisServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OTKLIK_REDIS_URL", private_redis.url)
    monkeypatch.setenv("OTKLIK_PIPELINE_BATCH_SIZE", "20")
    get_settings.cache_clear()
    own = replace(stack, redis_url=private_redis.url, redis=Redis.from_url(private_redis.url))
    ids = many_posts(own.engine, POSTS)
    forward_new_posts(ids)
    first = own.start_worker("nlp")
    try:
        wait_until(lambda: annotated(own.engine) >= 40, timeout=60, what="annotation to start")
        private_redis.kill()
        private_redis.start()  # empty: --save "" --appendonly no
        assert Queue(QueueName.NLP, connection=own.redis).count == 0  # the queue is gone
        committed = annotated(own.engine)
        assert committed < POSTS, "the run finished before Redis could be restarted"

        Queue(QueueName.MAINTENANCE, connection=own.redis).enqueue(
            "otklik.jobs.resume_stalled_job", 0
        )
        second = own.start_worker("nlp,maintenance", burst=True)
        assert second.wait(timeout=120) == 0, second.stderr.read().decode()[-3000:]  # type: ignore[union-attr]
    finally:
        kill_group(first)
        own.redis.close()

    assert stage_counts(own.engine) == {"annotated": POSTS}
    counts = annotation_counts(own.engine)
    assert len(counts) == POSTS and set(counts.values()) == {1}
