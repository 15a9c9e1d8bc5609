from collections.abc import Iterator

import pytest
import responses
from sqlmodel import Session

from ingest.clients import Clients, CrawlLimits
from ingest.sources import get_or_create_source
from ingest.vk.client import make_vk_api
from models.source import Source, SourceCreate
from tests.ingest.vk_fake import FakeVk

VK_TOKEN = "vk1.a.test-token"


@pytest.fixture
def fake_vk() -> Iterator[FakeVk]:
    fake = FakeVk()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        fake.install(mock)
        yield fake


@pytest.fixture
def slept() -> list[float]:
    return []


@pytest.fixture
def clients(slept: list[float]) -> Clients:
    return Clients(
        vk=lambda: make_vk_api(token=VK_TOKEN, rps_delay=0),
        limits=CrawlLimits(pages_per_run=50, backoff_seconds=60, backoff_max_seconds=3600),
        sleep=slept.append,
    )


def add_source(session: Session, *, kind: str, target: str) -> Source:
    source = get_or_create_source(
        session, source=SourceCreate(kind=kind, name=target, target=target)
    )
    session.commit()
    return source
