"""«Run now» for a source: enqueue a crawl job (Redis) or crawl in-process (embedded)."""

from sqlalchemy import Engine

from otklik import resources as stage_resources
from otklik.crawl_guard import database_guard
from otklik.crawls import run_crawl
from otklik.pipeline import configured_pipeline, rq_pipeline
from otklik.queues import redis_connection
from otklik.settings import Settings


def crawl_now(settings: Settings, *, engine: Engine, source_id: int) -> str:
    """Start a crawl of one source the way the deployment runs them; a message for the user."""
    if settings.redis_url:
        rq_pipeline(settings, connection=redis_connection(settings.redis_url)).enqueue_crawl(
            source_id
        )
        return "Сбор поставлен в очередь."
    report = run_crawl(
        engine,
        source_id=source_id,
        clients=stage_resources.clients(),
        lemmatize=stage_resources.lemmatize_text,
        guard=database_guard(engine, ttl_seconds=settings.crawl_lock_ttl_seconds),
        pipeline=configured_pipeline(settings, engine=engine),
    )
    if not report.ran:
        return "Этот источник уже собирается."
    return f"Сбор завершён: новых постов {report.new}, уже известных {report.known}."
