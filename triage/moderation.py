"""Moderators' decisions on posts: confirm, correct, not-a-signal — singly or in bulk.

Every decision is an audit event and a training label; every write checks the version the
moderator saw (optimistic lock), so two moderators never silently overwrite each other.
"""

from dataclasses import dataclass

from sqlalchemy import update
from sqlmodel import Session

from models.annotation import Annotation, SetBy, current_annotation
from models.incident import Incident, IncidentPost
from models.learning import TrainingLabel
from models.post import Post, ReviewStatus
from triage.audit import record_event
from triage.emptied import close_if_empty
from triage.errors import ConflictError, NotFound
from triage.incidents import leave_incident
from triage.locking import claim, load
from triage.regroup import regroup_post
from triage.scope import EVERYWHERE, Scope, require_municipality_scope
from triage.thresholds import Thresholds

LABEL_FIELDS = ("is_signal", "category_code", "topic_code", "municipality_id")


@dataclass(frozen=True)
class Decision:
    """One moderator decision. Leave the labels empty to confirm what the model said."""

    post_id: int
    expected_version: int
    category_code: str | None = None
    topic_code: str | None = None
    municipality_id: int | None = None
    is_signal: bool = True

    @property
    def is_confirmation(self) -> bool:
        return self.is_signal and (
            self.category_code is None and self.topic_code is None and self.municipality_id is None
        )


def review_post(
    session: Session,
    *,
    decision: Decision,
    actor: str,
    user_id: int | None,
    scope: Scope = EVERYWHERE,
    thresholds: Thresholds | None = None,
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
    labels = _labels(decision, old)
    status = _status(decision, old, labels)
    before = {"review_status": post.review_status, **_as_dict(old)}
    new = _store_annotation(session, post=post, old=old, labels=labels, user_id=user_id)
    post.review_status = status
    session.add(post)
    if not labels["is_signal"]:
        _detach(session, post=post, actor=actor, user_id=user_id)
    elif status == ReviewStatus.CORRECTED:
        regroup_post(session, post=post, annotation=new, actor=actor, user_id=user_id,
                     thresholds=thresholds)  # fmt: skip
    session.add(_training_label(post, labels, user_id))
    record_event(
        session,
        actor=actor,
        user_id=user_id,
        entity_type="post",
        entity_id=post.id or 0,
        action=f"review:{status}",
        before=before,
        after={"review_status": status, **_as_dict(new)},
    )
    return post


def review_posts(
    session: Session,
    *,
    decisions: list[Decision],
    actor: str,
    user_id: int | None,
    scope: Scope = EVERYWHERE,
) -> list[Post]:
    """Bulk review: all decisions apply, or none (a conflict on any raises). Commits."""
    try:
        posts = [
            review_post(session, decision=decision, actor=actor, user_id=user_id, scope=scope)
            for decision in decisions
        ]
    except BaseException:
        session.rollback()
        raise
    session.commit()
    return posts


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
) -> EachReviewed:
    """Bulk review where each post stands alone: a post changed by someone else since its
    version was read, or removed, is skipped (its savepoint rolled back) and named; the
    others are decided as `review_post` decides one. Any other refusal undoes them all.
    Commits."""
    decided: list[int] = []
    skipped: list[int] = []
    try:
        for decision in decisions:
            try:
                with session.begin_nested():
                    review_post(session, decision=decision, actor=actor, user_id=user_id,
                                scope=scope)  # fmt: skip
            except (ConflictError, NotFound):
                skipped.append(decision.post_id)
            else:
                decided.append(decision.post_id)
    except BaseException:
        session.rollback()
        raise
    session.commit()
    return EachReviewed(decided, skipped)


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


def _labels(decision: Decision, old: Annotation | None) -> dict[str, object]:
    if not decision.is_signal:
        return {
            "is_signal": False,
            "category_code": None,
            "topic_code": None,
            "municipality_id": old.municipality_id if old else None,
        }

    def pick(field: str) -> object:
        given = getattr(decision, field)
        return given if given is not None else (getattr(old, field) if old else None)

    return {"is_signal": True, **{f: pick(f) for f in LABEL_FIELDS[1:]}}


def _status(decision: Decision, old: Annotation | None, labels: dict[str, object]) -> str:
    if not decision.is_signal:
        return ReviewStatus.NOT_SIGNAL
    unchanged = (
        old is not None
        and old.is_signal
        and all(getattr(old, f) == labels[f] for f in LABEL_FIELDS[1:])
    )
    return ReviewStatus.CONFIRMED if unchanged else ReviewStatus.CORRECTED


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
    new = Annotation(
        post_id=post.id or 0,
        signal_confidence=1.0,
        set_by=SetBy.PERSON,
        user_id=user_id,
        is_current=True,
        reasons=old.reasons if old else {},
        category_confidence=1.0 if labels["category_code"] else 0.0,
        topic_confidence=1.0 if labels["topic_code"] else 0.0,
        municipality_confidence=1.0 if labels["municipality_id"] else 0.0,
        municipality_span=old.municipality_span if old else None,
        address_key=old.address_key if old else None,
        model_version_id=old.model_version_id if old else None,
        **labels,  # type: ignore[arg-type]
    )
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


def _training_label(post: Post, labels: dict[str, object], user_id: int | None) -> TrainingLabel:
    return TrainingLabel(
        post_id=post.id, text=post.text, origin="moderator", user_id=user_id, **labels
    )  # type: ignore[arg-type]


def _as_dict(annotation: Annotation | None) -> dict[str, object]:
    if annotation is None:
        return {f: None for f in LABEL_FIELDS}
    return {f: getattr(annotation, f) for f in LABEL_FIELDS}
