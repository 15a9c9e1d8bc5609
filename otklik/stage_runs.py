"""One batch of posts through one stage: the same code for rq jobs and the in-process path.

Each function takes post ids, opens its own session, calls the stage function (NLP's
`annotate_posts`, TRIAGE's `triage_post`) and commits: annotation a whole batch at
once, triage one post at a time. A post's `stage` column makes the run idempotent: posts
already past the stage are left alone, so a retried or duplicated batch changes nothing
twice. On PostgreSQL the rows are claimed with `FOR UPDATE SKIP LOCKED`, so two workers
handed the same ids never process a post twice. A failing annotation batch is run again
post by post, so one poison post never blocks the others.
"""

import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, Select, and_, exists, select, text
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlmodel import Session

from models.annotation import Annotation
from models.post import PipelineStage, Post
from models.quarantine import QuarantineRecord, quarantine

# Losing the database or its connection is not the post's fault: retry, never quarantine.
INFRASTRUCTURE_ERRORS: tuple[type[BaseException], ...] = (OperationalError, InterfaceError)
# First key of the two-key PostgreSQL advisory locks that serialize grouping per municipality.
GROUPING_LOCK_SPACE = 7_001


@dataclass(frozen=True)
class TriageTools:
    """What triage needs besides the posts, built once per process."""

    thresholds: Any
    calendar: Any = None
    lemmatize: Callable[[str], str] | None = None


@dataclass
class AnnotateOutcome:
    annotated: list[int] = field(default_factory=list)
    ready_for_triage: list[int] = field(default_factory=list)
    quarantined: list[int] = field(default_factory=list)


def annotate_batch(
    engine: Engine, *, annotator: Any, post_ids: Sequence[int], isolate_failures: bool
) -> AnnotateOutcome:
    """Annotate the batch in one transaction.

    If the batch raises (a bug, not an infrastructure error) and `isolate_failures` is set
    (the last attempt), each post is retried alone and the ones that still crash are
    quarantined with their traceback, so one poison post never blocks the others.
    """
    outcome = AnnotateOutcome()
    try:
        outcome.annotated = _annotate(engine, annotator, post_ids)
    except INFRASTRUCTURE_ERRORS:
        raise
    except Exception:
        if not isolate_failures:
            raise
        for post_id in post_ids:
            _annotate_alone(engine, annotator, post_id, outcome)
    outcome.ready_for_triage = posts_at_stage(engine, post_ids, PipelineStage.ANNOTATED)
    return outcome


@dataclass
class TriageOutcome:
    triaged: list[int] = field(default_factory=list)
    quarantined: list[int] = field(default_factory=list)


def triage_batch(
    engine: Engine, *, tools: TriageTools, post_ids: Sequence[int], isolate_failures: bool
) -> TriageOutcome:
    """Triage the batch post by post, each post in its own short transaction.

    One transaction per post, not per batch: each holds its municipality's grouping lock
    (see `_lock_grouping`) only while one post is grouped, so two workers interleave. A
    whole-batch transaction was measured and rejected: holding the locks for a batch of 50
    serialised the workers (BENCHMARKS.md, Scale: p95 latency 2.2 s per post vs 27 s per
    batch). A post that crashes is quarantined with its traceback when `isolate_failures` is
    set (the last attempt); before that its error fails the job once the others are done,
    so rq retries it.
    """
    outcome = TriageOutcome()
    unique = sorted(set(post_ids))
    with engine.connect() as connection:  # one connection (and one pre-ping) for the batch
        retired = _retired_topics(connection)
        crashes = [_triage_alone(connection, tools, post_id, outcome, retired)
                   for post_id in unique]  # fmt: skip
    first_crash = next((crash for crash in crashes if crash is not None), None)
    if first_crash is None:
        return outcome
    if not isolate_failures:
        raise first_crash
    for post_id, crash in zip(unique, crashes, strict=True):
        if crash is not None:
            quarantine_post(engine, post_id=post_id, stage="triage", error=crash)
            outcome.quarantined.append(post_id)
    return outcome


def posts_at_stage(engine: Engine, post_ids: Sequence[int], stage: PipelineStage) -> list[int]:
    if not post_ids:
        return []
    with Session(engine) as session:
        rows = session.execute(
            select(Post.id).where(Post.id.in_(post_ids), Post.stage == stage)  # type: ignore[union-attr]
        )
        return sorted(int(post_id) for post_id in rows.scalars())


def _annotate(engine: Engine, annotator: Any, post_ids: Sequence[int]) -> list[int]:
    from nlp.stage import annotate_posts

    with Session(engine, expire_on_commit=False) as session:
        claimed = _claim(session, post_ids, PipelineStage.INGESTED)
        if not claimed:
            return []
        annotated = annotate_posts(session, annotator=annotator, post_ids=claimed)
        session.commit()
    return list(annotated)


def _annotate_alone(engine: Engine, annotator: Any, post_id: int, outcome: AnnotateOutcome) -> None:
    try:
        outcome.annotated.extend(_annotate(engine, annotator, [post_id]))
    except INFRASTRUCTURE_ERRORS:
        raise
    except Exception as error:
        quarantine_post(engine, post_id=post_id, stage="nlp", error=error)
        outcome.quarantined.append(post_id)


def _retired_topics(connection: Connection) -> frozenset[str]:
    from triage.taxonomy import retired_topics

    with Session(connection) as session:
        retired = retired_topics(session)
        session.commit()  # ends the read's transaction: each post then has its own
    return retired


def _triage_alone(
    connection: Connection,
    tools: TriageTools,
    post_id: int,
    outcome: TriageOutcome,
    retired_topics: frozenset[str] = frozenset(),
) -> Exception | None:
    """Claim, lock, triage and commit one post in its own transaction; the bug it raised."""
    from triage.calendar import WorkCalendar
    from triage.stage import triage_post

    try:
        with Session(connection, expire_on_commit=False) as session:
            claimed = _claim_for_triage(session, post_id)
            if claimed is None:
                return None
            post, annotation = claimed
            _lock_grouping(session, annotation)
            triage_post(
                session,
                post=post,
                annotation=annotation,
                thresholds=tools.thresholds,
                calendar=tools.calendar or WorkCalendar(),
                lemmatize=tools.lemmatize,
                retired_topics=retired_topics,
            )
            session.commit()
            outcome.triaged.append(post_id)
    except INFRASTRUCTURE_ERRORS:
        raise
    except Exception as error:
        return error
    return None


def quarantine_post(engine: Engine, *, post_id: int, stage: str, error: BaseException) -> None:
    """Keep a post a stage keeps crashing on, with the traceback; it is not retried again."""
    detail = "".join(traceback.format_exception(error))
    with Session(engine) as session:
        post = session.get(Post, post_id)
        quarantine(
            session,
            stage=stage,
            reason=f"{stage} crashed on this post: {type(error).__name__}: {error}",
            raw=post.text if post else b"",
            source_id=post.source_id if post else None,
            post_id=post_id if post else None,
            origin=f"post:{post_id}",
            detail=detail,
        )
        session.commit()


def _claim(session: Session, post_ids: Sequence[int], stage: PipelineStage) -> list[int]:
    """The ids still at `stage` and not quarantined, locked for this transaction on PostgreSQL."""
    if not post_ids:
        return []
    statement = _claimable(session, select(Post.id), sorted(set(post_ids)), stage)
    return [int(post_id) for post_id in session.execute(statement).scalars()]


def _claim_for_triage(session: Session, post_id: int) -> tuple[Post, Annotation | None] | None:
    """The annotated post, locked like `_claim`, with its current annotation (one query)."""
    statement = _claimable(
        session,
        select(Post, Annotation).outerjoin(
            Annotation,
            and_(Annotation.post_id == Post.id, Annotation.is_current.is_(True)),  # type: ignore[attr-defined]
        ),
        [post_id],
        PipelineStage.ANNOTATED,
    ).order_by(Annotation.id.desc())  # type: ignore[union-attr]
    row = session.execute(statement.limit(1)).first()
    return None if row is None else (row[0], row[1])


def _claimable(
    session: Session, statement: Select[Any], post_ids: Sequence[int], stage: PipelineStage
) -> Select[Any]:
    quarantined = exists().where(
        QuarantineRecord.post_id == Post.id,  # type: ignore[arg-type]
        QuarantineRecord.resolved.is_(False),  # type: ignore[attr-defined]
    )
    statement = statement.where(
        Post.id.in_(post_ids),  # type: ignore[union-attr]
        Post.stage == stage,
        ~quarantined,
    ).order_by(Post.id)  # type: ignore[arg-type]
    if session.get_bind().dialect.name == "postgresql":
        statement = statement.with_for_update(skip_locked=True, of=Post)  # type: ignore[arg-type]
    return statement


def _lock_grouping(session: Session, annotation: Annotation | None) -> None:
    """On PostgreSQL, hold the grouping lock of the post's municipality until commit.

    Grouping compares a post only with the incidents of its own municipality (or, with none,
    with those of none), so two workers never group posts of one municipality at the same
    time: neither misses an incident the other just opened (no duplicate incidents), and
    they do not update the same incident rows in opposite orders. (A comment joins its
    parent's incident wherever it is; a deadlock that causes fails the job, and rq retries.)
    """
    if session.get_bind().dialect.name != "postgresql":
        return  # SQLite runs one write transaction at a time anyway
    key = annotation.municipality_id if annotation and annotation.municipality_id else 0
    session.execute(
        text("SELECT pg_advisory_xact_lock(:space, :key)"),
        {"space": GROUPING_LOCK_SPACE, "key": key},
    )
