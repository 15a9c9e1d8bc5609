"""Moderators' decisions on posts: confirm, correct, not-a-signal — singly or in bulk.

Every decision is an audit event and a training label; every write checks the version the
moderator saw (optimistic lock), so two moderators never silently overwrite each other.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import update
from sqlmodel import Session

from models.annotation import Annotation, current_annotation
from models.incident import Incident, IncidentPost
from models.post import Post, ReviewStatus
from triage.audit import record_event
from triage.batch_review import review_batch
from triage.decision import (
    Decision,
    labels_of,
    new_annotation,
    review_after,
    review_before,
    status_of,
    training_label,
)
from triage.emptied import close_if_empty
from triage.errors import ConflictError, NotFound
from triage.incidents import leave_incident
from triage.locking import claim, load
from triage.regroup import DEFAULT, Regrouping, regroup_post
from triage.scope import EVERYWHERE, Scope, require_municipality_scope


def review_post(
    session: Session,
    *,
    decision: Decision,
    actor: str,
    user_id: int | None,
    scope: Scope = EVERYWHERE,
    tools: Regrouping = DEFAULT,
) -> Post:
    """Apply one decision (confirm / correct / not a signal). The caller commits.

    A post outside `scope` (by its current municipality) is refused with `OutOfScope`.
    A correction groups the post again on its new labels (`triage.regroup`); «не сигнал»
    takes it out of its incident, and an incident left empty closes itself."""
    post = load(session, Post, decision.post_id)
    old = current_annotation(session, post_id=post.id or 0)
    require_municipality_scope(
        scope,
        entity_type="post",
        entity_id=post.id or 0,
        municipality_id=old.municipality_id if old else None,
    )
    claim(session, post, expected_version=decision.expected_version)
    labels = labels_of(decision, old)
    status = status_of(decision, old, labels)
    before = review_before(post.review_status, old)
    new = _store_annotation(session, post=post, old=old, labels=labels, user_id=user_id)
    post.review_status = status
    session.add(post)
    if not labels["is_signal"]:
        _detach(session, post=post, actor=actor, user_id=user_id)
    elif status == ReviewStatus.CORRECTED:
        regroup_post(session, post=post, annotation=new, actor=actor, user_id=user_id,
                     tools=tools)  # fmt: skip
    session.add(training_label(post_id=post.id or 0, text=post.text, labels=labels,
                               user_id=user_id))  # fmt: skip
    record_event(
        session,
        actor=actor,
        user_id=user_id,
        entity_type="post",
        entity_id=post.id or 0,
        action=f"review:{status}",
        before=before,
        after=review_after(status, new),
    )
    return post


def review_posts(
    session: Session,
    *,
    decisions: list[Decision],
    actor: str,
    user_id: int | None,
    scope: Scope = EVERYWHERE,
    tools: Regrouping = DEFAULT,
) -> list[Post]:
    """Bulk review: all decisions apply, or none (a conflict on any raises). Commits."""
    with _all_or_nothing(session):
        return [
            review_post(
                session, decision=decision, actor=actor, user_id=user_id, scope=scope, tools=tools
            )
            for decision in decisions
        ]


@dataclass(frozen=True)
class EachReviewed:
    """What `review_each` did: the posts decided, and those skipped because someone else
    changed them since they were read (a version conflict) or they are gone."""

    decided: list[int]
    skipped: list[int]


def review_each(
    session: Session,
    *,
    decisions: list[Decision],
    actor: str,
    user_id: int | None,
    scope: Scope = EVERYWHERE,
    tools: Regrouping = DEFAULT,
) -> EachReviewed:
    """Bulk review where each post stands alone: a post changed by someone else since its
    version was read, or removed, is skipped and named; the others are decided as
    `review_post` decides one, in their order. Any other refusal undoes them all. Commits.

    Runs of confirmations and «Не сигнал» are decided together (`triage.batch_review`),
    every other decision alone (`review_each_alone`'s step); the result is the same."""
    decided: list[int] = []
    skipped: list[int] = []
    with _all_or_nothing(session):
        rest = decisions
        while rest:
            batch = review_batch(session, decisions=rest, actor=actor, user_id=user_id,
                                 scope=scope)  # fmt: skip
            decided += batch.decided
            skipped += batch.skipped
            taken = batch.taken
            if taken == 0:
                alone = _review_alone(session, rest[0], actor=actor, user_id=user_id,
                                      scope=scope, tools=tools)  # fmt: skip
                (decided if alone else skipped).append(rest[0].post_id)
                taken = 1
            rest = rest[taken:]
    return EachReviewed(decided, skipped)


def review_each_alone(
    session: Session,
    *,
    decisions: list[Decision],
    actor: str,
    user_id: int | None,
    scope: Scope = EVERYWHERE,
    tools: Regrouping = DEFAULT,
) -> EachReviewed:
    """`review_each`, one post after another (each in a savepoint): what the batched path
    must match (tests/triage/test_review_each.py), a few writes and reads per post. Commits."""
    decided: list[int] = []
    skipped: list[int] = []
    with _all_or_nothing(session):
        for decision in decisions:
            alone = _review_alone(session, decision, actor=actor, user_id=user_id, scope=scope,
                                  tools=tools)  # fmt: skip
            (decided if alone else skipped).append(decision.post_id)
    return EachReviewed(decided, skipped)


@contextmanager
def _all_or_nothing(session: Session) -> Iterator[None]:
    """Commits what the block did, or rolls all of it back on any error (and re-raises)."""
    try:
        yield
    except BaseException:
        session.rollback()
        raise
    session.commit()


def _review_alone(
    session: Session,
    decision: Decision,
    *,
    actor: str,
    user_id: int | None,
    scope: Scope,
    tools: Regrouping,
) -> bool:
    """Decide one post in a savepoint; False (rolled back) if it changed meanwhile or is gone."""
    try:
        with session.begin_nested():
            review_post(session, decision=decision, actor=actor, user_id=user_id, scope=scope,
                        tools=tools)  # fmt: skip
    except (ConflictError, NotFound):
        return False
    return True


def confirm_post(
    session: Session, *, post_id: int, expected_version: int, actor: str, user_id: int | None
) -> Post:
    decision = Decision(post_id=post_id, expected_version=expected_version)
    return review_post(session, decision=decision, actor=actor, user_id=user_id)


def correct_post(
    session: Session,
    *,
    post_id: int,
    expected_version: int,
    category_code: str | None,
    topic_code: str | None,
    municipality_id: int | None,
    actor: str,
    user_id: int | None,
) -> Post:
    """Set category, topic and municipality in one step (None keeps the model's value)."""
    decision = Decision(
        post_id=post_id,
        expected_version=expected_version,
        category_code=category_code,
        topic_code=topic_code,
        municipality_id=municipality_id,
    )
    return review_post(session, decision=decision, actor=actor, user_id=user_id)


def mark_not_signal(
    session: Session, *, post_id: int, expected_version: int, actor: str, user_id: int | None
) -> Post:
    decision = Decision(post_id=post_id, expected_version=expected_version, is_signal=False)
    return review_post(session, decision=decision, actor=actor, user_id=user_id)


def _store_annotation(
    session: Session,
    *,
    post: Post,
    old: Annotation | None,
    labels: dict[str, object],
    user_id: int | None,
) -> Annotation:
    session.execute(
        update(Annotation)
        .where(Annotation.post_id == post.id, Annotation.is_current.is_(True))  # type: ignore[attr-defined]
        .values(is_current=False)
    )
    new = new_annotation(post_id=post.id or 0, old=old, labels=labels, user_id=user_id)
    session.add(new)
    session.flush()
    return new


def _detach(session: Session, *, post: Post, actor: str, user_id: int | None) -> None:
    link = session.get(IncidentPost, post.id)
    if link is None:
        return
    incident_id = link.incident_id
    leave_incident(session, link=link, post=post, actor=actor, user_id=user_id)
    incident = session.get_one(Incident, incident_id)
    close_if_empty(session, incident=incident, actor=actor, user_id=user_id)
    record_event(
        session,
        actor=actor,
        user_id=user_id,
        entity_type="post",
        entity_id=post.id or 0,
        action="detach",
        before={"incident_id": incident_id, "reason": link.reason},
        after={"incident_id": None, "reason": "not a signal"},
    )
