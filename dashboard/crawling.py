"""«Run now» for a source: enqueue a crawl job (Redis) or crawl in-process (embedded)."""

from dataclasses import dataclass

from sqlalchemy import Engine

from ingest.crawl import NotConfigured, NotCrawlable
from models.source import SourceStatus
from otklik import resources as stage_resources
from otklik.crawl_guard import database_guard
from otklik.crawls import CrawlReport, run_crawl
from otklik.pipeline import configured_pipeline, rq_pipeline
from otklik.queues import redis_connection
from otklik.settings import Settings

# Why a crawl ended without posts, in the words of the person who pressed the button.
FAILURES = {
    SourceStatus.BROKEN: "нет доступа к сети-источнику: проверьте токен ВКонтакте или "
    "данные входа Telegram в настройках",
    SourceStatus.GONE: "источник недоступен: удалён, закрыт или стал приватным",
    SourceStatus.BACKING_OFF: "сеть ограничила частоту запросов, сбор повторится позже",
    SourceStatus.DISABLED: "источник выключен",
}


@dataclass(frozen=True)
class CrawlMessage:
    ok: bool
    text: str


def crawl_now(settings: Settings, *, engine: Engine, source_id: int) -> CrawlMessage:
    """Start a crawl of one source the way the deployment runs them; what to tell the user."""
    if settings.redis_url:
        rq_pipeline(settings, connection=redis_connection(settings.redis_url)).enqueue_crawl(
            source_id
        )
        return CrawlMessage(True, "Сбор поставлен в очередь.")
    try:
        report = run_crawl(
            engine,
            source_id=source_id,
            clients=stage_resources.clients(),
            lemmatize=stage_resources.lemmatize_text,
            guard=database_guard(engine, ttl_seconds=settings.crawl_lock_ttl_seconds),
            pipeline=configured_pipeline(settings, engine=engine),
        )
    except NotConfigured:
        return CrawlMessage(False, f"Сбор не удался: {FAILURES[SourceStatus.BROKEN]}.")
    except NotCrawlable:
        return CrawlMessage(
            False, "Этот источник загружается из файла, а не собирается из сети: "
            "новые посты добавляет импорт файла.",
        )  # fmt: skip
    return crawl_message(report)


def crawl_message(report: CrawlReport) -> CrawlMessage:
    if not report.ran:
        return CrawlMessage(True, "Этот источник уже собирается.")
    if report.status != SourceStatus.OK:
        reason = FAILURES.get(report.status, "сбор прерван с ошибкой")  # type: ignore[call-overload]
        return CrawlMessage(False, f"Сбор не удался: {reason}. Новых постов: {report.new}.")
    return CrawlMessage(
        True, f"Сбор завершён: новых постов {report.new}, уже известных {report.known}."
    )
