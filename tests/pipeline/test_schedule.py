"""The crawl schedule: a source's interval is kept, never rounded up to the next tick."""

import pytest
from redis import Redis
from typer.testing import CliRunner

from otklik import jobs
from otklik.cli import app
from otklik.settings import get_settings
from tests.conftest import REDIS_URL

runner = CliRunner()
TICK_SECONDS = 60  # schedule_due_crawls runs every minute (otklik/cron.py)


def test_a_60_second_interval_is_due_again_at_the_next_tick(
    configured: str, redis_conn: Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OTKLIK_REDIS_URL", REDIS_URL)
    get_settings.cache_clear()
    added = runner.invoke(app, ["sources", "add", "vk_wall", "-300", "--interval", "60"])
    assert added.exit_code == 0, added.output

    assert jobs.schedule_due_crawls() == [1]
    assert jobs.schedule_due_crawls() == []  # one enqueue per interval
    # The marker must be gone when the next tick comes, even if that tick runs a little
    # early against the moment the marker was written (else 60 s becomes 120 s).
    remaining_ms = redis_conn.pttl("otklik:crawl-due:1")
    assert 0 < remaining_ms <= (TICK_SECONDS - 5) * 1000
