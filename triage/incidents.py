"""Incidents: create, attach posts (with the reason), merge and split."""

import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key
from sqlmodel import Session

from models.annotation import Annotation, current_annotation
from models.clock import now
from models.incident import Incident, IncidentPost, IncidentStatus
from models.post import ERASED_TEXT, Post
from models.report import Report
from triage.audit import record_event, snapshot
from triage.calendar import WorkCalendar
from triage.emptied import close_if_empty, is_empty, open_reports, reopen_if_refilled
from triage.errors import TriageError
from triage.locking import claim, load
from triage.relabel import LABELS, SignalLabelled, relabel_incident
from triage.reopening import (
    comeback_report,
    newest_posts,
    reopen_after_merge,
    reopen_if_resolved,
    resolved_reports,
)
from triage.reports import CLOSED_STATUSES, open_report_among
from triage.scope import EVERYWHERE, Scope, require_municipality_scope

# Audited fields. Never the title: it is a post's text, and the append-only audit log must
# hold no personal data an erasure (152-ФЗ) would have to rewrite.
INCIDENT_FIELDS = ("status", "post_count", "merged_into_id", "priority")
TITLE_CHARS = 120
# A link says nothing of the problem and would take a title's width: «фото тут (https://…)».
_LINK = re.compile(r"\s*\(?(?:https?://|www\.)[^\s()]+\)?")
# What a post puts before its first word («❗️Из пожара…», «🔥 Горит…», «‼️»): the title starts
# at its first letter or digit, or at the opening quote or bracket right before it («Дом»).
_LEAD = re.compile(r"^[\W_]*?(?=[«\"'(\[„“]*[^\W_])")


def create_incident(
    session: Session,
    *,
    post: Post,
    annotation: Annotation | None,
    address: str | None,
    reason: dict[str, Any],
    actor: str,
    priority: float = 0.0,
) -> Incident:
    """A new open incident seeded from one post, which becomes its first member with `reason`.

    The post must belong to no incident yet (use `attach_post` to move one).
    """
    incident = Incident(
        title=title_from(post.text),
        category_code=annotation.category_code if annotation else None,
        topic_code=annotation.topic_code if annotation else None,
        municipality_id=annotation.municipality_id if annotation else None,
        address=address,
        post_count=1,
        priority=priority,
        first_post_at=post.published_at,
        last_post_at=post.published_at,
    )
    session.add(incident)
    session.flush()
    record_event(
        session,
        actor=actor,
        user_id=None,
        entity_type="incident",
        entity_id=incident.id or 0,
        action="create",
        before=None,
        after=snapshot(incident, (*INCIDENT_FIELDS, "municipality_id", "address")),
    )
    _link(session, incident=incident, post=post, link=None, reason=reason, similarity=None,
          attached_by=actor, user_id=None)  # fmt: skip
    return incident


def attach_post(
    session: Session,
    *,
    incident: Incident,
    post: Post,
    reason: dict[str, Any],
    similarity: float | None,
    attached_by: str,
    user_id: int | None = None,
) -> IncidentPost:
    """Make `post` a member of `incident` (moving it out of any other), recording why."""
    link = session.get(IncidentPost, post.id)
    return _attach(session, incident=incident, post=post, link=link, reason=reason,
                   similarity=similarity, attached_by=attached_by, user_id=user_id)  # fmt: skip


def join_incident(
    session: Session,
    *,
    incident: Incident,
    post: Post,
    reason: dict[str, Any],
    similarity: float | None,
    attached_by: str,
) -> IncidentPost:
    """`attach_post` for a post the caller knows belongs to no incident (saves a lookup)."""
    return _attach(session, incident=incident, post=post, link=None, reason=reason,
                   similarity=similarity, attached_by=attached_by, user_id=None)  # fmt: skip


def _attach(
    session: Session,
    *,
    incident: Incident,
    post: Post,
    link: IncidentPost | None,
    reason: dict[str, Any],
    similarity: float | None,
    attached_by: str,
    user_id: int | None,
) -> IncidentPost:
    previous = link.incident_id if link else None
    emptied = incident.status == IncidentStatus.CLOSED and incident.post_count == 0
    link = _link(session, incident=incident, post=post, link=link, reason=reason,
                 similarity=similarity, attached_by=attached_by, user_id=user_id)  # fmt: skip
    session.flush()
    refresh_counts(session, incident_ids=[i for i in (previous, incident.id) if i is not None])
    if previous is not None and previous != incident.id:
        retitle_if_left(session, incident_id=previous, post=post, actor=attached_by,
                        user_id=user_id)  # fmt: skip
    if emptied:  # a post came back into an incident closed because it emptied
        reopen_if_refilled(session, incident=incident, post_id=post.id or 0, actor=attached_by,
                           user_id=user_id)  # fmt: skip
    return link


def _link(
    session: Session,
    *,
    incident: Incident,
    post: Post,
    link: IncidentPost | None,
    reason: dict[str, Any],
    similarity: float | None,
    attached_by: str,
    user_id: int | None,
) -> IncidentPost:
    """Point the post's membership at `incident` and audit it (counts are the caller's)."""
    previous = link.incident_id if link else None
    if link is None:
        link = IncidentPost(post_id=post.id or 0, incident_id=incident.id or 0)
    link.incident_id = incident.id or 0
    link.similarity = similarity
    link.reason = reason
    link.attached_by = attached_by
    link.attached_at = now()
    session.add(link)
    record_event(
        session,
        actor=attached_by,
        user_id=user_id,
        entity_type="post",
        entity_id=post.id or 0,
        action="attach",
        before={"incident_id": previous},
        after={"incident_id": incident.id, "reason": reason},
    )
    return link


def move_post(
    session: Session,
    *,
    post_id: int,
    incident_id: int,
    actor: str,
    user_id: int | None,
    expected_version: int,
    scope: Scope = EVERYWHERE,
    calendar: WorkCalendar | None = None,
) -> IncidentPost:
    """A moderator attaches a post to another incident (optimistic lock on the incident); a
    post published after the resolution of the incident's report reopens it — after the
    incident the post left, if emptied, has closed and its open report followed the post
    (`triage.emptied`): when that report is open there, it carries the problem. Never into
    an incident merged into another; into one emptied, yes (the post may rightly go back)."""
    incident = load_incident_in_scope(session, incident_id=incident_id, scope=scope)
    if incident.status == IncidentStatus.MERGED:  # folded away: its posts live in the target
        raise TriageError(f"incident {incident.id} is merged into {incident.merged_into_id}")
    post = load(session, Post, post_id)
    annotation = session.execute(
        select(Annotation.municipality_id).where(
            Annotation.post_id == post_id,
            Annotation.is_current.is_(True),  # type: ignore[attr-defined]
        )
    ).first()
    require_municipality_scope(
        scope,
        entity_type="post",
        entity_id=post_id,
        municipality_id=annotation[0] if annotation else None,
    )
    claim(session, incident, expected_version=expected_version)
    previous = session.get(IncidentPost, post_id)
    left = previous.incident_id if previous and previous.incident_id != incident.id else None
    link = attach_post(
        session,
        incident=incident,
        post=post,
        reason={"rule": "moderator"},
        similarity=None,
        attached_by=actor,
        user_id=user_id,
    )
    if left is not None:  # the incident it left may be empty now: close it, its report follows
        close_if_empty(session, incident=session.get_one(Incident, left), actor=actor,
                       user_id=user_id, moved_to=incident,
                       comeback=comeback_report(session, incident=incident, post=post),
                       calendar=calendar)  # fmt: skip
    # after the report that followed: if it is open, it carries the problem (`_settle`)
    if left is not None or previous is None:
        reopen_if_resolved(session, incident=incident, post=post, actor=actor, user_id=user_id,
                           calendar=calendar or WorkCalendar())  # fmt: skip
    return link


def merge_incidents(
    session: Session,
    *,
    target_id: int,
    source_ids: list[int],
    actor: str,
    user_id: int | None,
    expected_versions: dict[int, int],
    scope: Scope = EVERYWHERE,
    calendar: WorkCalendar | None = None,
) -> Incident:
    """Fold the source incidents into the target; their posts keep why they moved.

    A resolved report of one of them reopens when another brings a post published after its
    resolution (`triage.reopening`): residents wrote again about a problem the agency closed.
    When one of them already has an open report, that report carries the problem: the
    resolved one stays resolved and records the evidence (`repeat_evidence`). An incident
    merged already, or left with no posts (`triage.emptied.is_empty`), takes no part.
    """
    target = _mergeable(load_incident_in_scope(session, incident_id=target_id, scope=scope))
    claim(session, target, expected_version=expected_versions[target_id])
    involved = [target_id, *source_ids]
    resolved = resolved_reports(session, involved)
    origins = {report.id or 0: report.incident_id for report in resolved}
    newest = newest_posts(session, involved)
    in_work = open_report_among(session, incident_ids=involved) if resolved else None
    for source_id in source_ids:
        if source_id == target_id:
            raise TriageError("an incident cannot be merged into itself")
        source = _mergeable(load_incident_in_scope(session, incident_id=source_id, scope=scope))
        claim(session, source, expected_version=expected_versions[source_id])
        _fold(session, source=source, target=target, actor=actor, user_id=user_id)
    reopen_after_merge(session, reports=resolved, origins=origins, newest=newest,
                       in_work=in_work, calendar=calendar or WorkCalendar(), actor=actor,
                       user_id=user_id)  # fmt: skip
    return target


def _mergeable(incident: Incident) -> Incident:
    if is_empty(incident):
        raise TriageError(f"incident {incident.id} is merged or has no posts: nothing to merge")
    return incident


def split_incident(
    session: Session,
    *,
    incident_id: int,
    post_ids: list[int],
    actor: str,
    user_id: int | None,
    expected_version: int,
    scope: Scope = EVERYWHERE,
) -> Incident:
    """Move `post_ids` out of an incident into a new one."""
    incident = load_incident_in_scope(session, incident_id=incident_id, scope=scope)
    claim(session, incident, expected_version=expected_version)
    members = set(member_ids(session, incident_id=incident_id))
    if not post_ids or not set(post_ids) <= members or set(post_ids) == members:
        raise TriageError("split needs some, but not all, of the incident's own posts")
    first = _earliest(session, post_ids=post_ids)
    labels = _split_labels(session, incident=incident, post_id=first.id or 0)
    new = Incident(title=title_from(first.text), **labels)
    session.add(new)
    session.flush()
    record_event(
        session,
        actor=actor,
        user_id=user_id,
        entity_type="incident",
        entity_id=new.id or 0,
        action="split_from",
        before=None,
        after={"source_incident_id": incident_id, "post_ids": post_ids}
        | {name: labels[name] for name in LABELS},
    )
    for post_id in post_ids:
        reason = {"rule": "split", "from_incident_id": incident_id}
        post = load(session, Post, post_id)
        attach_post(
            session,
            incident=new,
            post=post,
            reason=reason,
            similarity=None,
            attached_by=actor,
            user_id=user_id,
        )
    return new


def _earliest(session: Session, *, post_ids: list[int]) -> Post:
    """The earliest of the posts (by publication, then id) whose text was not erased; the
    earliest of all when every text was."""
    posts = [load(session, Post, i) for i in post_ids]
    return min(posts, key=lambda post: (post.text == ERASED_TEXT, post.published_at, post.id or 0))


def _split_labels(session: Session, *, incident: Incident, post_id: int) -> dict[str, Any]:
    """A split-off incident's labels and address: those of the post it is titled after, when
    its current annotation is a signal naming a category and a municipality (the posts were
    split off because they are another problem); else the incident's it came from."""
    annotation = current_annotation(session, post_id=post_id)
    kept = {name: getattr(incident, name) for name in LABELS} | {"address": incident.address}
    if annotation is None or not annotation.is_signal or annotation.category_code is None:
        return kept
    if annotation.municipality_id is None:
        return kept
    return {name: getattr(annotation, name) for name in LABELS} | {
        "address": annotation.address_key or incident.address
    }


def load_incident_in_scope(session: Session, *, incident_id: int, scope: Scope) -> Incident:
    """The incident, or `NotFound` / `OutOfScope` when `scope` does not cover it."""
    incident = load(session, Incident, incident_id)
    require_municipality_scope(
        scope, entity_type="incident", entity_id=incident_id,
        municipality_id=incident.municipality_id,
    )  # fmt: skip
    return incident


def member_ids(session: Session, *, incident_id: int) -> list[int]:
    statement = select(IncidentPost.post_id).where(IncidentPost.incident_id == incident_id)
    return list(session.execute(statement).scalars())


def refresh_counts(session: Session, *, incident_ids: list[int]) -> None:
    """Recount members and the first/last post times in the database, one statement for all.

    The counts are computed inside the UPDATE, so they are the database's own; the values
    it returns are set on a loaded incident as already saved (no second write).
    """
    if not incident_ids:
        return
    of_incident = IncidentPost.incident_id == Incident.id
    members = select(func.count()).select_from(IncidentPost).where(of_incident)
    times = select(Post.published_at).join(IncidentPost, IncidentPost.post_id == Post.id)  # type: ignore[arg-type]
    rows = session.execute(
        update(Incident)
        .where(Incident.id.in_(incident_ids))  # type: ignore[union-attr]
        .values(
            post_count=members.correlate(Incident).scalar_subquery(),
            first_post_at=times.with_only_columns(func.min(Post.published_at))
            .where(of_incident)
            .correlate(Incident)
            .scalar_subquery(),
            last_post_at=times.with_only_columns(func.max(Post.published_at))
            .where(of_incident)
            .correlate(Incident)
            .scalar_subquery(),
            updated_at=now(),
        )
        .returning(
            Incident.id,
            Incident.post_count,
            Incident.first_post_at,
            Incident.last_post_at,
            Incident.updated_at,
        )
        .execution_options(synchronize_session=False)
    ).all()
    for row in rows:
        _set_saved(session, incident_id=row[0], row=row[1:],
                   names=("post_count", "first_post_at", "last_post_at", "updated_at"))  # fmt: skip


def leave_incident(
    session: Session, *, link: IncidentPost, post: Post, actor: str, user_id: int | None
) -> None:
    """The post leaves its incident: its membership `link` goes, the incident is recounted
    and, if it was titled after this post, titled and labelled again (`retitle_if_left`).
    Whether the incident, if emptied, closes is the caller's (`triage.emptied.close_if_empty`)."""
    incident_id = link.incident_id
    session.delete(link)
    session.flush()
    refresh_counts(session, incident_ids=[incident_id])
    retitle_if_left(session, incident_id=incident_id, post=post, actor=actor, user_id=user_id)


def retitle_if_left(
    session: Session, *, incident_id: int, post: Post, actor: str, user_id: int | None
) -> None:
    """`post` has left the incident: if the incident still bears the title derived from it,
    it takes the title of its earliest remaining post (by publication, then id), and that
    post's labels (`_labelled_after`).

    A title edited by hand is kept, and so is the title of an incident left empty (nothing
    to name it after) or merged into another (folded away). Like the counts, the title is
    derived: written in one UPDATE, not audited (it is a post's text, see `INCIDENT_FIELDS`)
    and not a change of the version an operator's next action is checked against.
    """
    incident = session.get_one(Incident, incident_id)
    if not bears_title_of(incident, text=post.text):
        return
    derived = incident.title
    first = earliest_post(session, incident_id=incident_id)
    if first is None:
        return
    first_id, earliest = first
    row = session.execute(
        update(Incident)
        .where(
            Incident.id == incident_id,  # type: ignore[arg-type]
            Incident.title == derived,  # not edited meanwhile
            Incident.status != IncidentStatus.MERGED,  # type: ignore[arg-type]
        )
        .values(title=title_from(earliest), updated_at=now())
        .returning(Incident.title, Incident.updated_at)
        .execution_options(synchronize_session=False)
    ).one_or_none()
    _set_saved(session, incident_id=incident_id, row=row, names=("title", "updated_at"))
    if row is not None:
        _labelled_after(session, incident=incident, post_id=first_id, actor=actor,
                        user_id=user_id)  # fmt: skip


def bears_title_of(incident: Incident, *, text: str) -> bool:
    """Whether the incident is still titled after a post of this text (and not merged away):
    the post leaving it names it no more (`retitle_if_left`)."""
    titles = (title_from(text), _cut(_flat(text)))  # the second: made before stop 36
    return incident.title in titles and incident.status != IncidentStatus.MERGED


def _labelled_after(
    session: Session, *, incident: Incident, post_id: int, actor: str, user_id: int | None
) -> None:
    """The incident, described by a post that left, takes the labels of the post it is now
    titled after: that post's current annotation, when a signal with a category and a
    municipality. Not while a report is open: the agency has it, and the operator decides
    (`triage.regroup`'s corrections reroute a report; a post leaving does not)."""
    annotation = current_annotation(session, post_id=post_id)
    if not labels_to_follow(incident, annotation):
        return
    if open_reports(session, incident_id=incident.id or 0):
        return
    relabel_incident(session, incident=incident, annotation=annotation, actor=actor,
                     user_id=user_id)  # fmt: skip


def labels_to_follow(incident: Incident, annotation: SignalLabelled | None) -> bool:
    """Whether the incident, now titled after a post of this current `annotation`, takes its
    labels (`_labelled_after`): a signal naming a category and a municipality, and other
    labels than the incident's."""
    if annotation is None or not annotation.is_signal or annotation.category_code is None:
        return False
    if annotation.municipality_id is None:
        return False
    return any(getattr(incident, name) != getattr(annotation, name) for name in LABELS)


def earliest_post(session: Session, *, incident_id: int) -> tuple[int, str] | None:
    """The id and text of the incident's earliest member post (by publication, then id) whose
    text was not erased; None when there is none."""
    row = session.execute(
        select(Post.id, Post.text)
        .join(IncidentPost, IncidentPost.post_id == Post.id)  # type: ignore[arg-type]
        .where(IncidentPost.incident_id == incident_id, Post.text != ERASED_TEXT)  # type: ignore[arg-type]
        .order_by(Post.published_at, Post.id)  # type: ignore[arg-type]
        .limit(1)
    ).one_or_none()
    return None if row is None else (row[0] or 0, row[1])


def _set_saved(
    session: Session, *, incident_id: int, row: Sequence[Any] | None, names: tuple[str, ...]
) -> None:
    """Set the values an UPDATE returned on the loaded incident, as already saved."""
    loaded = session.identity_map.get(identity_key(Incident, incident_id))
    if row is None or loaded is None:
        return
    for name, value in zip(names, row, strict=True):
        set_committed_value(loaded, name, value)


def _fold(
    session: Session, *, source: Incident, target: Incident, actor: str, user_id: int | None
) -> None:
    before = snapshot(source, INCIDENT_FIELDS)
    # merged before its posts move: the posts leaving it do not title it again
    source.status = IncidentStatus.MERGED
    source.merged_into_id = target.id
    source.updated_at = now()
    session.add(source)
    for post_id in member_ids(session, incident_id=source.id or 0):
        post = load(session, Post, post_id)
        reason = {"rule": "merge", "from_incident_id": source.id}
        attach_post(
            session,
            incident=target,
            post=post,
            reason=reason,
            similarity=None,
            attached_by=actor,
            user_id=user_id,
        )
    moved = _move_reports(session, source=source, target=target, actor=actor, user_id=user_id)
    target.priority = max(target.priority, source.priority)
    # an open report brought in puts even a closed target (its report resolved) back in work
    carried_open = any(report.status not in CLOSED_STATUSES for report in moved)
    if carried_open or (moved and target.status == IncidentStatus.OPEN):
        target.status = IncidentStatus.REPORTED
    session.add(target)
    session.flush()
    refresh_counts(session, incident_ids=[source.id or 0, target.id or 0])
    record_event(
        session,
        actor=actor,
        user_id=user_id,
        entity_type="incident",
        entity_id=source.id or 0,
        action="merge",
        before=before,
        after=snapshot(source, INCIDENT_FIELDS),
    )


def _move_reports(
    session: Session, *, source: Incident, target: Incident, actor: str, user_id: int | None
) -> list[Report]:
    """The source's reports follow its posts to the target, each move audited; those moved.

    Nothing is closed on the operator's behalf: if both incidents had an open report, the
    target now has two, and one of them can be marked a duplicate.
    """
    reports = list(session.execute(select(Report).where(Report.incident_id == source.id)).scalars())
    for report in reports:
        report.incident_id = target.id or 0
        report.version += 1
        report.updated_at = now()
        session.add(report)
        record_event(
            session,
            actor=actor,
            user_id=user_id,
            entity_type="report",
            entity_id=report.id or 0,
            action="move",
            before={"incident_id": source.id},
            after={"incident_id": target.id, "reason": "merge"},
        )
    return reports


def title_from(text: str) -> str:
    """An incident's title made from a post's text: one line without links, from its first
    letter or digit, at most `TITLE_CHARS`; the text as it is when it is nothing but links."""
    return _cut(_LEAD.sub("", _flat(text), count=1))  # no letter or digit: kept whole


def _flat(text: str) -> str:
    """One line without links; the text as it is when it is nothing but links."""
    return " ".join(_LINK.sub("", text).split()) or " ".join(text.split())


def _cut(title: str) -> str:
    return title if len(title) <= TITLE_CHARS else title[: TITLE_CHARS - 1] + "…"
