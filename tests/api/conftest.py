"""The API served by a real uvicorn on a free port, in a thread, over the test database."""

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import requests
import uvicorn
from sqlalchemy import Engine
from sqlmodel import Session

from otklik.api.app import ApiTools, create_app
from otklik.api.rate_limit import MemoryRateLimiter
from tests.scope_world import World, build_world
from triage.api_tokens import issue_token
from triage.calendar import WorkCalendar


@dataclass(frozen=True)
class Api:
    url: str
    world: World
    perm_token: str
    kungur_token: str
    perm_token_id: int

    def get(self, path: str, token: str | None = None, **params: str) -> requests.Response:
        return requests.get(self.url + path, params=params, headers=_auth(token), timeout=10)

    def post(self, path: str, body: object, token: str | None = None) -> requests.Response:
        return requests.post(self.url + path, json=body, headers=_auth(token), timeout=10)


def _auth(token: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if token else {}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(tools: ApiTools) -> Iterator[str]:
    port = free_port()
    config = uvicorn.Config(create_app(tools), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "the API server did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}/open311/v2"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def api(engine: Engine) -> Iterator[Api]:
    with Session(engine, expire_on_commit=False) as session:
        world = build_world(session)
        perm = issue_token(session, agency_id=world.perm_agency, actor="test")
        kungur = issue_token(session, agency_id=world.kungur_agency, actor="test")
        session.commit()
    tools = ApiTools(
        engine=engine, calendar=WorkCalendar(), limiter=MemoryRateLimiter(per_minute=1000)
    )
    for url in serve(tools):
        yield Api(url, world, perm.token, kungur.token, perm.record.id or 0)
