"""Personal data (152-ФЗ): retention purge of raw payloads, export and erasure of an author's data.

- Raw vendor payloads (`post.raw`, a quarantined record's raw bytes) are kept only for
  `retention_days`; the purge empties them and keeps the post itself (text, category, place)
  that reports and analytics rest on.
- Export: everything stored about one author id (their posts, as posted, with the model's
  and moderators' decisions) as one JSON document.
- Erase: the author's posts lose the text, the author and signer ids, the URL, attachments,
  geo and raw payload; the rows stay (marked) so incidents and reports keep their counts.
  An incident titled from an erased post is retitled from another member post (or marked
  erased), so the reports and their export lose the text too; quarantined input the author
  sent loses its raw bytes. Each erasure is written to the audit log without the erased data
  (the log itself refers to posts and incidents by id and never copies their text).
- Export covers the same places: posts, their incidents, the audit events about them and
  the quarantined input the author sent.
"""

import json
import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from sqlalchemy import Text, cast, or_, update
from sqlmodel import Session, select

from models.annotation import Annotation
from models.audit import AuditEvent
from models.clock import now
from models.incident import Incident, IncidentPost
from models.learning import TrainingLabel
from models.post import ERASED_TEXT, Post
from models.quarantine import QuarantineRecord
from triage.audit import record_event
from triage.incidents import earliest_post, title_from

ERASED_TITLE = "[заголовок удалён по запросу субъекта персональных данных]"
# Where a vendor payload (VK, Telegram, our JSON lines) names its author.
AUTHOR_KEYS = ("author_id", "from_id", "signer_id")
EMPTY_JSON = "{}"


def purge_raw_payloads(session: Session, *, older_than_days: int) -> int:
    """Empty raw payloads fetched more than `older_than_days` ago; commits. Posts purged now."""
    cutoff = now() - timedelta(days=older_than_days)
    posts = session.execute(
        update(Post)
        .where(Post.fetched_at < cutoff, cast(Post.raw, Text) != EMPTY_JSON)  # type: ignore[arg-type]
        .values(raw={})
    )
    session.execute(
        update(QuarantineRecord)
        .where(QuarantineRecord.created_at < cutoff, QuarantineRecord.raw != b"")  # type: ignore[arg-type]
        .values(raw=b"")
    )
    session.commit()
    return int(posts.rowcount)  # type: ignore[attr-defined]


def author_posts(session: Session, *, author_id: str) -> list[Post]:
    """Posts the author wrote or signed."""
    statement = select(Post).where(
        or_(Post.author_id == author_id, Post.signer_id == author_id)  # type: ignore[arg-type]
    )
    return list(session.exec(statement.order_by(Post.id)))  # type: ignore[arg-type]


def export_author(session: Session, *, author_id: str) -> dict[str, Any]:
    """Everything stored about `author_id`, JSON-ready (a subject access request)."""
    posts = author_posts(session, author_id=author_id)
    incidents = _incidents_of(session, [post.id or 0 for post in posts])
    return {
        "author_id": author_id,
        "exported_at": now().isoformat(),
        "posts": [_exported_post(session, post) for post in posts],
        "incidents": [
            incident.model_dump(mode="json", include={"id", "title", "status", "created_at"})
            for incident in incidents
        ],
        "audit_events": [
            event.model_dump(mode="json")
            for event in _audit_events(session, posts=posts, incidents=incidents)
        ],
        "quarantined": [
            {
                **record.model_dump(mode="json", include={"id", "stage", "reason", "origin"}),
                "created_at": record.created_at.isoformat(),
                "raw": record.raw.decode("utf-8", errors="replace"),
            }
            for record in _quarantined_from(session, author_id=author_id)
        ],
    }


def erase_author(session: Session, *, author_id: str, actor: str, user_id: int | None) -> int:
    """Erase the author's personal data from their posts; commits. How many posts were erased."""
    posts = author_posts(session, author_id=author_id)
    incidents = _incidents_of(session, [post.id or 0 for post in posts])
    for post in posts:
        _erase_post(session, post)
        _audit_erasure(session, actor, user_id, "post", post.id or 0)
    session.flush()
    for incident in incidents:
        if _retitle(session, incident):
            _audit_erasure(session, actor, user_id, "incident", incident.id or 0)
    for record in _quarantined_from(session, author_id=author_id):
        record.raw = b""
        session.add(record)
    session.commit()
    return len(posts)


def _audit_erasure(
    session: Session, actor: str, user_id: int | None, entity_type: str, entity_id: int
) -> None:
    record_event(
        session,
        actor=actor,
        user_id=user_id,
        entity_type=entity_type,
        entity_id=entity_id,
        action="erase_personal_data",
        before=None,
        after={"erased": True},
    )


def _incidents_of(session: Session, post_ids: list[int]) -> list[Incident]:
    statement = (
        select(Incident)
        .join(IncidentPost, IncidentPost.incident_id == Incident.id)  # type: ignore[arg-type]
        .where(IncidentPost.post_id.in_(post_ids))  # type: ignore[attr-defined]
        .distinct()
        .order_by(Incident.id)  # type: ignore[arg-type]
    )
    return list(session.exec(statement))


def _retitle(session: Session, incident: Incident) -> bool:
    """Title the incident from its earliest member post that is not erased; True if changed."""
    first = earliest_post(session, incident_id=incident.id or 0)
    title = title_from(first[1]) if first is not None else ERASED_TITLE
    if title == incident.title:
        return False
    incident.title = title
    incident.version += 1
    session.add(incident)
    return True


def _audit_events(
    session: Session, *, posts: list[Post], incidents: list[Incident]
) -> list[AuditEvent]:
    post_ids = [post.id for post in posts]
    incident_ids = [incident.id for incident in incidents]
    statement = select(AuditEvent).where(
        or_(
            (AuditEvent.entity_type == "post") & AuditEvent.entity_id.in_(post_ids),  # type: ignore[attr-defined]
            (AuditEvent.entity_type == "incident") & AuditEvent.entity_id.in_(incident_ids),  # type: ignore[attr-defined]
        )
    )
    return list(session.exec(statement.order_by(AuditEvent.id)))  # type: ignore[arg-type]


def _quarantined_from(session: Session, *, author_id: str) -> Iterator[QuarantineRecord]:
    """Quarantined input whose payload names `author_id` as its author."""
    statement = select(QuarantineRecord).where(QuarantineRecord.raw != b"")  # type: ignore[arg-type]
    for record in session.exec(statement.order_by(QuarantineRecord.id)).all():  # type: ignore[arg-type]
        if _names_author(record.raw, author_id):
            yield record


def _names_author(raw: bytes, author_id: str) -> bool:
    text = raw.decode("utf-8", errors="replace")
    if author_id not in text:
        return False
    try:
        payload = json.loads(text)
    except (ValueError, RecursionError):
        payload = None
    if isinstance(payload, dict):
        return any(str(payload.get(key)) == author_id for key in AUTHOR_KEYS)
    keys = "|".join(AUTHOR_KEYS)
    pattern = rf'"(?:{keys})"\s*:\s*"?{re.escape(author_id)}"?\s*[,}}]'
    return re.search(pattern, text) is not None


def _erase_post(session: Session, post: Post) -> None:
    post.text = ERASED_TEXT
    post.text_original = ERASED_TEXT
    post.search_lemmas = None
    post.author_id = None
    post.signer_id = None
    post.url = None
    post.attachments = []
    post.geo = None
    post.raw = {}
    post.version += 1
    session.add(post)
    session.execute(
        update(TrainingLabel).where(TrainingLabel.post_id == post.id).values(text=ERASED_TEXT)  # type: ignore[arg-type]
    )
    session.execute(
        update(QuarantineRecord).where(QuarantineRecord.post_id == post.id).values(raw=b"")  # type: ignore[arg-type]
    )


def _exported_post(session: Session, post: Post) -> dict[str, Any]:
    annotations = session.exec(
        select(Annotation).where(Annotation.post_id == post.id).order_by(Annotation.id)  # type: ignore[arg-type]
    ).all()
    membership = session.get(IncidentPost, post.id)
    return {
        **post.model_dump(mode="json", exclude={"search_lemmas"}),
        "annotations": [
            annotation.model_dump(mode="json", exclude={"reasons"}) for annotation in annotations
        ],
        "incident_id": membership.incident_id if membership else None,
    }
