"""A crawl that starts under its source's lock closes the runs a killed crawl left "running"."""

from sqlalchemy import Engine
from sqlmodel import Session, select

from models.crawl import ABANDONED_REASON, CrawlRun, CrawlRunStatus
from models.source import Source
from otklik.crawl_guard import database_guard
from otklik.crawls import run_crawl
from otklik.pipeline import InProcessPipeline
from tests.pipeline.helpers import make_source


def test_a_guarded_crawl_closes_its_source_s_dead_runs_and_only_those(engine: Engine) -> None:
    with Session(engine) as session:
        crawled, other = make_source(session, target="-1"), make_source(session, target="-2")
        session.get_one(Source, crawled).enabled = False  # the crawl itself stops at once
        session.add_all([CrawlRun(source_id=crawled), CrawlRun(source_id=other)])
        session.add(CrawlRun(source_id=crawled, status=CrawlRunStatus.OK))
        session.commit()
    guard = database_guard(engine, ttl_seconds=60)

    with guard(crawled) as held:  # another crawl holds the lock: nothing may be closed
        assert held
        assert not run_crawl(engine, source_id=crawled, clients=None, lemmatize=None,
                             guard=guard, pipeline=_pipeline(engine)).ran  # fmt: skip
    assert _runs(engine) == [
        (crawled, CrawlRunStatus.RUNNING, False, None),
        (other, CrawlRunStatus.RUNNING, False, None),
        (crawled, CrawlRunStatus.OK, False, None),
    ]

    report = run_crawl(engine, source_id=crawled, clients=None, lemmatize=None, guard=guard,
                       pipeline=_pipeline(engine))  # fmt: skip

    assert report.ran
    assert _runs(engine) == [
        (crawled, CrawlRunStatus.ABANDONED, True, ABANDONED_REASON),
        (other, CrawlRunStatus.RUNNING, False, None),
        (crawled, CrawlRunStatus.OK, False, None),
    ]


def _runs(engine: Engine) -> list[tuple[int | None, str, bool, str | None]]:
    with Session(engine) as session:
        runs = session.exec(select(CrawlRun).order_by(CrawlRun.id)).all()  # type: ignore[arg-type]
    return [(run.source_id, run.status, run.finished_at is not None, run.error) for run in runs]


def _pipeline(engine: Engine) -> InProcessPipeline:
    """Never reached with posts: the disabled source yields none."""

    def unused() -> None:
        raise AssertionError("no post should reach the pipeline")

    return InProcessPipeline(engine=engine, annotator=unused, triage_tools=unused)  # type: ignore[arg-type]
