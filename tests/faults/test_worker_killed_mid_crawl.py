"""A crawl worker SIGKILLed in the middle of a wall: after restart, nothing is lost or repeated.

VK is a local HTTP server (the real `vk_api` in the worker process reaches it through
`OTKLIK_VK_API_URL`); PostgreSQL, Redis and the `otklik worker` processes are real. The
recovery is production's own: the killed crawl's Redis lock expires with its TTL, the cron
job `schedule_due_crawls` enqueues the source again, the crawl resumes from its cursor, and
`resume_stalled_job` forwards the posts the killed crawl stored but never sent to NLP. The
new crawl closes the killed crawl's run row (abandoned, with a finish time and the reason).
"""

import subprocess
import threading
from collections.abc import Callable

from rq import Queue
from sqlmodel import Session, select

from ingest.sources import get_or_create_source
from models.clock import now
from models.crawl import ABANDONED_REASON, CrawlCursor, CrawlRun, CrawlRunStatus
from models.source import SourceCreate, SourceKind
from otklik.crawl_guard import lock_name
from otklik.queues import QueueName
from tests.faults.conftest import Stack, kill_group, wait_until
from tests.faults.helpers import annotation_counts, post_counts, stage_counts, stored
from tests.ingest.vk_fake import FakeVk, serve_vk, vk_post
from tests.pipeline.helpers import COMPLAINTS

OWNER = -4242
PAGE = 100  # what `crawl_wall` asks for
POSTS = 5 * PAGE
HELD_CALL = 3  # the third `wall.get` is held until the worker is dead: two pages are stored
LOCK_TTL_SECONDS = 12


def test_crawl_worker_killed_mid_wall_resumes_and_stores_and_annotates_every_post_once(
    stack: Stack,
) -> None:
    fake = wall_of(POSTS)
    source_id = add_wall_source(stack)
    released = threading.Event()
    fake.on_call = lambda number: _hold(number, released)
    maintenance = Queue(QueueName.MAINTENANCE, connection=stack.redis)

    with serve_vk(fake) as vk_url:
        env = {
            "OTKLIK_VK_API_URL": vk_url,
            "OTKLIK_VK_TOKEN": "vk1.a.fault-test",
            "OTKLIK_VK_RPS_DELAY": "0",
            "OTKLIK_CRAWL_LOCK_TTL_SECONDS": str(LOCK_TTL_SECONDS),
        }
        maintenance.enqueue("otklik.jobs.schedule_due_crawls")  # what cron runs every minute
        worker = stack.start_worker("crawl,maintenance", **env)
        try:
            wait_until(
                alive(worker, lambda: len(fake.calls) >= HELD_CALL and stored(stack.engine) > 0),
                timeout=90,
                what="the crawl to store its first pages and ask for the next one",
            )
            assert stack.redis.exists(lock_name(source_id)), "the crawl should hold its lock"
        finally:
            kill_group(worker)
            released.set()

        # Killed between pages: two pages stored, not forwarded, the cursor mid-pass.
        assert stage_counts(stack.engine) == {"ingested": 2 * PAGE}
        assert cursor_of(stack, source_id) == {"last_id": 0, "pass_top": POSTS, "offset": 2 * PAGE}
        assert stack.redis.exists(lock_name(source_id)), "a SIGKILLed crawl cannot release"
        assert runs_of(stack, source_id) == [(CrawlRunStatus.RUNNING, False, None)]
        wait_until(
            lambda: not stack.redis.exists(lock_name(source_id)),
            timeout=LOCK_TTL_SECONDS + 30,
            what="the dead crawl's lock to expire",
        )

        # What cron does next: the due crawl again, and the sweep of stalled posts.
        calls_before_restart = len(fake.calls)
        rescheduled = maintenance.enqueue("otklik.jobs.schedule_due_crawls")
        maintenance.enqueue("otklik.jobs.resume_stalled_job", 0)
        restarted = stack.start_worker("maintenance,crawl,nlp", burst=True, **env)
        assert restarted.wait(timeout=180) == 0, _stderr(restarted)

    assert rescheduled.return_value() == [source_id]
    resumed = fake.calls[calls_before_restart:]
    resumed_offsets = [int(v["offset"]) for name, v in resumed if name == "wall.get"]
    assert resumed_offsets == [2 * PAGE, 3 * PAGE, 4 * PAGE], "resume from the cursor"
    # then, the crawl done, the community's details for its role
    assert [name for name, _ in resumed][-1] == "groups.getById"
    assert cursor_of(stack, source_id) == {"last_id": POSTS}
    assert last_run(stack, source_id) == (CrawlRunStatus.OK, POSTS - 2 * PAGE, 0)
    # The next crawl, holding the lock, closed the dead crawl's run instead of leaving it
    # "running" for ever.
    assert runs_of(stack, source_id) == [
        (CrawlRunStatus.ABANDONED, True, ABANDONED_REASON),
        (CrawlRunStatus.OK, True, None),
    ]

    counts = post_counts(stack.engine)
    assert set(counts) == {(source_id, f"{OWNER}_{n}") for n in range(1, POSTS + 1)}
    assert set(counts.values()) == {1}
    assert stage_counts(stack.engine) == {"annotated": POSTS}
    annotations = annotation_counts(stack.engine)
    assert len(annotations) == POSTS and set(annotations.values()) == {1}


def wall_of(posts: int) -> FakeVk:
    """A community wall of `posts` complaints, newest first, all there from the start."""
    start = int(now().timestamp()) - posts * 60
    wall = [
        vk_post(OWNER, n, start + n * 60, f"{COMPLAINTS[n % len(COMPLAINTS)]} (пост {n})")
        for n in range(posts, 0, -1)
    ]
    return FakeVk(walls={OWNER: wall})


def add_wall_source(stack: Stack) -> int:
    """A VK wall source due every 2 s, so the cron job may enqueue it again after the kill."""
    with Session(stack.engine) as session:
        source = get_or_create_source(
            session,
            source=SourceCreate(
                kind=SourceKind.VK_WALL,
                name="Сообщество для проверки",
                target=str(OWNER),
                interval_seconds=2,
            ),
        )
        session.commit()
        assert source.id is not None
        return source.id


def cursor_of(stack: Stack, source_id: int) -> dict[str, object]:
    with Session(stack.engine) as session:
        cursor = session.get(CrawlCursor, source_id)
        return dict(cursor.state) if cursor else {}


def last_run(stack: Stack, source_id: int) -> tuple[str, int, int]:
    """Status, new and known posts of the newest crawl run of the source."""
    statement = select(CrawlRun).where(CrawlRun.source_id == source_id)
    with Session(stack.engine) as session:
        run = session.exec(statement.order_by(CrawlRun.id.desc())).first()  # type: ignore[union-attr]
    assert run is not None
    return run.status, run.new, run.known


def runs_of(stack: Stack, source_id: int) -> list[tuple[str, bool, str | None]]:
    """Status, whether finished, and error of each crawl run of the source, oldest first."""
    statement = select(CrawlRun).where(CrawlRun.source_id == source_id)
    with Session(stack.engine) as session:
        runs = session.exec(statement.order_by(CrawlRun.id)).all()  # type: ignore[arg-type]
    return [(run.status, run.finished_at is not None, run.error) for run in runs]


def alive(worker: subprocess.Popen[bytes], condition: Callable[[], bool]) -> Callable[[], bool]:
    """`condition`, failing at once (with the worker's stderr) if the worker has exited."""

    def check() -> bool:
        if worker.poll() is not None:
            raise AssertionError(f"the worker exited early: {_stderr(worker)}")
        return condition()

    return check


def _hold(number: int, released: threading.Event) -> None:
    if number == HELD_CALL:
        released.wait(timeout=120)


def _stderr(process: subprocess.Popen[bytes]) -> str:
    return process.stderr.read().decode()[-3000:] if process.stderr else ""
