"""One failing source (bad token, rate limit) does not stop the others' crawls or posts."""

import json
from typing import ClassVar

import pytest
import responses
from redis import Redis
from rq import Queue, SimpleWorker
from sqlmodel import Session

from models.post import Post
from models.source import Source, SourceStatus
from otklik import jobs, resources
from otklik.queues import ALL_QUEUES
from otklik.settings import get_settings
from tests.faults.conftest import Stack
from tests.ingest.vk_fake import ERROR_MESSAGES, FakeVk, vk_post
from tests.pipeline.helpers import make_source

BROKEN_OWNER, LIMITED_OWNER, HEALTHY_OWNER = -101, -102, -103


class FakeVkWithBadWalls(FakeVk):
    """The fake VK, answering some walls with an error whatever the call number."""

    wall_errors: ClassVar[dict[int, int]] = {BROKEN_OWNER: 5, LIMITED_OWNER: 29}

    def _wall_get(self, values: dict[str, str]) -> dict:
        owner = int(values["owner_id"])
        if owner in self.wall_errors:
            raise _VkError(self.wall_errors[owner])
        return super()._wall_get(values)

    def _answer(self, request):  # type: ignore[no-untyped-def]
        try:
            return super()._answer(request)
        except _VkError as error:
            body = {"error": {"error_code": error.code, "error_msg": ERROR_MESSAGES[error.code]}}
            return 200, {}, json.dumps(body)


class _VkError(Exception):
    def __init__(self, code: int) -> None:
        self.code = code


def _drain(connection: Redis) -> None:
    queues = [Queue(name, connection=connection) for name in ALL_QUEUES]
    SimpleWorker(queues, connection=connection).work(burst=True, with_scheduler=False)


def test_one_failing_source_does_not_stop_the_others(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OTKLIK_VK_TOKEN", "vk1.a.test-token")
    monkeypatch.setenv("OTKLIK_VK_RPS_DELAY", "0")
    get_settings.cache_clear()
    resources.clients.cache_clear()
    fake = FakeVkWithBadWalls()
    fake.walls[HEALTHY_OWNER] = [
        vk_post(HEALTHY_OWNER, 10 - n, 1_700_000_000 - n * 60, f"Яма на улице Ленина, дом {n}")
        for n in range(5)
    ]
    with Session(stack.engine) as session:
        ids = {owner: make_source(session, target=str(owner)) for owner in
               (BROKEN_OWNER, LIMITED_OWNER, HEALTHY_OWNER)}  # fmt: skip

    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        fake.install(mock)
        assert sorted(jobs.schedule_due_crawls()) == sorted(ids.values())
        _drain(stack.redis)

    with Session(stack.engine) as session:
        broken = session.get(Source, ids[BROKEN_OWNER])
        limited = session.get(Source, ids[LIMITED_OWNER])
        posts = session.exec(  # type: ignore[call-overload]
            Post.__table__.select().where(Post.source_id == ids[HEALTHY_OWNER])
        ).all()
    assert broken.status == SourceStatus.BROKEN
    assert limited.status == SourceStatus.BACKING_OFF and limited.retry_after is not None
    assert len(posts) == 5
    assert {post.stage for post in posts} == {"triaged"}  # crawled, annotated, triaged
