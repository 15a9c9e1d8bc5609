"""Many moderators' decisions at once — «Все в ветке / в инциденте»: up to a thousand posts
confirmed or marked «Не сигнал» in a few set-based statements, not a few per post.

The result is the per-post path's (`triage.moderation.review_post` for each post in turn,
each alone: `review_each`): the same annotations, training labels, review statuses, audit
events in the same order, and incidents left the same way (`triage.batch_detach`). A post
gone or changed by someone else since its version was read is skipped and named — also when
the change lands between the read and the write: the versions are bumped by one conditional
UPDATE, and a post it does not return is skipped.

What the batch does not decide — a correction, a confirmation that changes the model's
labels (its post is grouped again, `triage.regroup`), a post named twice, a post outside the
caller's territory — ends the run: `review_each` decides it alone, then batches the rest.
"""

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import insert, inspect, select, tuple_, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key
from sqlmodel import Session

from models.annotation import Annotation
from models.audit import AuditEvent
from models.learning import TrainingLabel
from models.post import Post, ReviewStatus
from triage.audit import record_event
from triage.batch_detach import Leaving, leave, start_leaving
from triage.decision import (
    Decision,
    labels_of,
    new_annotation,
    review_after,
    review_before,
    status_of,
    training_label,
)
from triage.scope import OutOfScope, Scope, require_municipality_scope

BATCH = 1_000  # decisions read at once (and ids in one IN list)
BATCHED = (ReviewStatus.CONFIRMED, ReviewStatus.NOT_SIGNAL)
BULK = (Annotation, TrainingLabel, AuditEvent)  # the rows a batch adds, inserted together


@dataclass(frozen=True)
class Stored:
    """What the batch reads of a post before deciding it."""

    version: int
    review_status: str
    text: str


@dataclass(frozen=True)
class Batched:
    """The leading `taken` decisions, done: those decided and those skipped (gone, or
    changed by someone else). `taken` 0: the first decision is not the batch's."""

    decided: list[int]
    skipped: list[int]
    taken: int


def review_batch(
    session: Session,
    *,
    decisions: list[Decision],
    actor: str,
    user_id: int | None,
    scope: Scope,
) -> Batched:
    """Decide the longest leading run of `decisions` the batch can (see the module). The
    first decision out of `scope` raises `OutOfScope`, as the per-post path would there.
    The caller commits."""
    window = _distinct(decisions[:BATCH])
    ids = [decision.post_id for decision in window]
    posts = _stored(session, ids)
    olds = _current(session, ids)
    run = _run(window, posts=posts, olds=olds, scope=scope)
    if not run:
        return Batched([], [], 0)
    statuses = {d.post_id: _status(d, olds.get(d.post_id)) for d in run if d.post_id in posts}
    fresh = [d for d in run if d.post_id in posts and _unchanged(d, posts[d.post_id])]
    claimed = _claim(session, fresh, statuses)
    leaving_ids = sorted(p for p in claimed if statuses[p] == ReviewStatus.NOT_SIGNAL)
    leaving = start_leaving(session, post_ids=leaving_ids)
    _retire(session, sorted(claimed))
    decided: list[int] = []
    skipped: list[int] = []
    for decision in run:
        if decision.post_id not in claimed:
            skipped.append(decision.post_id)
            continue
        _decide(session, decision, post=posts[decision.post_id], old=olds.get(decision.post_id),
                leaving=leaving, actor=actor, user_id=user_id)  # fmt: skip
        decided.append(decision.post_id)
    _insert_new(session)
    session.flush()
    bumped = {d.post_id: d.expected_version + 1 for d in fresh if d.post_id in claimed}
    _mark_loaded(session, bumped, statuses)
    return Batched(decided, skipped, len(run))


def _decide(
    session: Session,
    decision: Decision,
    *,
    post: Stored,
    old: Annotation | None,
    leaving: Leaving,
    actor: str,
    user_id: int | None,
) -> None:
    """One post's share, in `review_post`'s order: its annotation, its leaving, its training
    label, its review event."""
    labels = labels_of(decision, old)
    status = status_of(decision, old, labels)
    new = new_annotation(post_id=decision.post_id, old=old, labels=labels, user_id=user_id)
    session.add(new)
    if not labels["is_signal"]:
        leave(session, leaving, post_id=decision.post_id, text=post.text, actor=actor,
              user_id=user_id)  # fmt: skip
    session.add(training_label(post_id=decision.post_id, text=post.text, labels=labels,
                               user_id=user_id))  # fmt: skip
    record_event(session, actor=actor, user_id=user_id, entity_type="post",
                 entity_id=decision.post_id, action=f"review:{status}",
                 before=review_before(post.review_status, old),
                 after=review_after(status, new))  # fmt: skip


def _distinct(decisions: list[Decision]) -> list[Decision]:
    """The decisions up to the first that names a post a second time."""
    seen: set[int] = set()
    for n, decision in enumerate(decisions):
        if decision.post_id in seen:
            return decisions[:n]
        seen.add(decision.post_id)
    return decisions


def _run(
    window: list[Decision],
    *,
    posts: dict[int, Stored],
    olds: dict[int, Annotation],
    scope: Scope,
) -> list[Decision]:
    """The leading decisions the batch takes: up to the first out of scope (raised if it is
    the very first) or not a plain confirmation or «Не сигнал». A post gone is taken (to be
    skipped), as the per-post path skips it before looking further."""
    run: list[Decision] = []
    for decision in window:
        if decision.post_id in posts:
            old = olds.get(decision.post_id)
            try:
                _in_scope(scope, decision.post_id, old)
            except OutOfScope:
                if not run:
                    raise
                break
            if _status(decision, old) not in BATCHED:
                break
        run.append(decision)
    return run


def _unchanged(decision: Decision, post: Stored) -> bool:
    return post.version == decision.expected_version


def _status(decision: Decision, old: Annotation | None) -> str:
    return status_of(decision, old, labels_of(decision, old))


def _in_scope(scope: Scope, post_id: int, old: Annotation | None) -> None:
    municipality_id = old.municipality_id if old else None
    require_municipality_scope(scope, entity_type="post", entity_id=post_id,
                               municipality_id=municipality_id)  # fmt: skip


def _stored(session: Session, ids: list[int]) -> dict[int, Stored]:
    rows = session.execute(
        select(Post.id, Post.version, Post.review_status, Post.text).where(Post.id.in_(ids))  # type: ignore[union-attr]
    )
    return {post_id: Stored(version, status, text) for post_id, version, status, text in rows}


def _current(session: Session, ids: list[int]) -> dict[int, Annotation]:
    """Each post's current annotation (the newest, should two be current)."""
    statement = (
        select(Annotation)
        .where(Annotation.post_id.in_(ids), Annotation.is_current.is_(True))  # type: ignore[attr-defined]
        .order_by(Annotation.id)  # type: ignore[arg-type]
    )
    return {annotation.post_id: annotation for annotation in session.execute(statement).scalars()}


def _claim(session: Session, fresh: list[Decision], statuses: dict[int, str]) -> set[int]:
    """Bump the versions of the posts still at the version their moderator saw, and set
    their review status: one conditional UPDATE per status. The posts it returns are this
    batch's; any other was changed (or removed) meanwhile. On PostgreSQL the UPDATE takes
    the row locks: a concurrent writer waits, or we wait and find the version moved."""
    by_status: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for decision in fresh:
        by_status[statuses[decision.post_id]].append((decision.post_id, decision.expected_version))
    claimed: set[int] = set()
    for status, pairs in by_status.items():
        rows = session.execute(
            update(Post)
            .where(tuple_(Post.id, Post.version).in_(pairs))
            .values(version=Post.version + 1, review_status=status)
            .returning(Post.id)
            .execution_options(synchronize_session=False)
        )
        claimed.update(post_id for (post_id,) in rows)
    return claimed


def _retire(session: Session, post_ids: list[int]) -> None:
    """The posts' current annotations are current no more (their replacements follow)."""
    if post_ids:
        session.execute(
            update(Annotation)
            .where(Annotation.post_id.in_(post_ids), Annotation.is_current.is_(True))  # type: ignore[attr-defined]
            .values(is_current=False)
        )


def _insert_new(session: Session) -> None:
    """The rows the batch added — annotations, training labels, audit events — written by
    one INSERT per table, in the order they were added (as a flush would, row by row)."""
    pending = sorted((row for row in session.new if isinstance(row, BULK)),
                     key=lambda row: inspect(row).insert_order)  # fmt: skip
    for row in pending:  # before any statement: its autoflush would write them row by row
        session.expunge(row)
    for model in BULK:
        rows = [row.model_dump(exclude={"id"}) for row in pending if type(row) is model]
        if rows:
            session.execute(insert(model).execution_options(render_nulls=True), rows)


def _mark_loaded(session: Session, versions: dict[int, int], statuses: dict[int, str]) -> None:
    """A post the session holds takes its new version and status, as already saved."""
    for post_id, version in versions.items():
        post = session.identity_map.get(identity_key(Post, post_id))
        if post is not None:
            set_committed_value(post, "version", version)
            set_committed_value(post, "review_status", statuses[post_id])
