"""«Все в ветке / в инциденте»: one decision on every queued post of one thread or incident,
on all the queue's pages — its button labels, the question asked first, and what it did."""

from dataclasses import dataclass

from dashboard.numbers import grouped
from triage.moderation import Decision, EachReviewed
from triage.queue import QueueItem, QueuePage

# Posts one click decides at most (the first by the queue's order; a larger thread takes
# another click): all in one transaction, in a few set-based statements
# (`triage.batch_review`, BENCHMARKS.md «Stop 36»).
REST_CAP = 1_000
NAMED_SKIPS = 10  # skipped posts named by number in the result


@dataclass(frozen=True)
class RestQuestion:
    """A whole thread's or incident's decision waiting for «Да»: the posts found when it was
    asked, each with the version to check (the page's rows: the version shown)."""

    filters: str  # repr of the queue's filters it was asked under
    is_signal: bool
    decisions: tuple[Decision, ...]
    hidden: int  # how many of them are not on the page the moderator saw
    more: bool  # more posts matched than `REST_CAP`


def fits(queue: QueuePage) -> bool:
    """Whether the page holds every post the filters select (no question needed)."""
    return queue.total_is_exact and queue.total <= len(queue.items)


def count_text(queue: QueuePage) -> str:
    return grouped(queue.total) if queue.total_is_exact else f"более {grouped(queue.total)}"


def question(
    found: list[tuple[int, int]], shown: list[QueueItem], *, filters: str, is_signal: bool
) -> RestQuestion:
    """The question for the posts `found` ((id, version), at most `REST_CAP` + 1)."""
    versions = {item.post_id: item.version for item in shown}
    decisions = tuple(
        Decision(post_id, versions.get(post_id, version), is_signal=is_signal)
        for post_id, version in found[:REST_CAP]
    )
    hidden = sum(decision.post_id not in versions for decision in decisions)
    return RestQuestion(filters, is_signal, decisions, hidden, len(found) > REST_CAP)


def question_text(asked: RestQuestion, where: str) -> str:
    """«В ветке: постов 143, из них не показаны на этой странице: 123. …» (`where` «в ветке»)."""
    done = "подтверждены" if asked.is_signal else "отмечены как не сигналы"
    text = (
        f"{where.capitalize()}: постов {grouped(len(asked.decisions))}, из них не показаны на"
        f" этой странице: {grouped(asked.hidden)}. Все они будут {done}."
    )
    if asked.more:
        text += (
            f" Постов больше {grouped(REST_CAP)}: за один раз решаются первые"
            f" {grouped(REST_CAP)} по приоритету, остальные останутся в очереди."
        )
    return text + " Продолжить?"


def outcome_text(outcome: EachReviewed) -> str:
    """«Решено постов: 140. Пропущено: 3 — их уже изменил другой модератор (№12, №15, №19).»"""
    text = f"Решено постов: {grouped(len(outcome.decided))}."
    if outcome.skipped:
        named = ", ".join(f"№{post_id}" for post_id in outcome.skipped[:NAMED_SKIPS])
        more = "…" if len(outcome.skipped) > NAMED_SKIPS else ""
        text += (
            f" Пропущено: {grouped(len(outcome.skipped))} — их уже изменил или удалил другой"
            f" пользователь ({named}{more})."
        )
    return text
