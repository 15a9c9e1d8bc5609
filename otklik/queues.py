"""The named rq queues: each stage scales by adding workers to its own queue."""

from enum import StrEnum

from redis import Redis
from rq import Queue


class QueueName(StrEnum):
    CRAWL = "crawl"
    NLP = "nlp"
    TRIAGE = "triage"
    MAINTENANCE = "maintenance"
    PUBLISH = "publish"  # answers posted back to VK and Telegram


ALL_QUEUES: tuple[QueueName, ...] = tuple(QueueName)


def redis_connection(url: str) -> Redis:
    """A Redis client for `url` (the URL may hold a password: never log it)."""
    return Redis.from_url(url)


def get_queue(name: QueueName, *, connection: Redis) -> Queue:
    return Queue(name.value, connection=connection)


def parse_queue_names(names: str) -> list[QueueName]:
    """`"nlp,triage"` -> the queues; an unknown name is a clear error."""
    known = {queue.value: queue for queue in QueueName}
    chosen = [part.strip() for part in names.split(",") if part.strip()]
    unknown = [name for name in chosen if name not in known]
    if unknown:
        raise ValueError(f"unknown queue(s) {', '.join(unknown)}; known: {', '.join(known)}")
    return [known[name] for name in chosen]
