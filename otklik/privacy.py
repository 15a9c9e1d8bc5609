"""Personal data (152-ФЗ): retention purge of raw payloads, export and erasure of an author's data.

- Raw vendor payloads (`post.raw`, a quarantined record's raw bytes) are kept only for
  `retention_days`; the purge empties them and keeps the post itself (text, category, place)
  that reports and analytics rest on.
- Export: everything stored about one author id (their posts, as posted, with the model's
  and moderators' decisions) as one JSON document.
- Erase: the author's posts lose the text, the author and signer ids, the URL, attachments,
  geo and raw payload; the rows stay (marked) so incidents and reports keep their counts.
  Each erasure is written to the audit log without the erased data.
"""

from datetime import timedelta
from typing import Any

from sqlalchemy import Text, cast, or_, update
from sqlmodel import Session, select

from models.annotation import Annotation
from models.clock import now
from models.incident import IncidentPost
from models.learning import TrainingLabel
from models.post import Post
from models.quarantine import QuarantineRecord
from triage.audit import record_event

ERASED_TEXT = "[удалено по запросу субъекта персональных данных]"
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
    return {
        "author_id": author_id,
        "exported_at": now().isoformat(),
        "posts": [_exported_post(session, post) for post in posts],
    }


def erase_author(session: Session, *, author_id: str, actor: str, user_id: int | None) -> int:
    """Erase the author's personal data from their posts; commits. How many posts were erased."""
    posts = author_posts(session, author_id=author_id)
    for post in posts:
        _erase_post(session, post)
        record_event(
            session,
            actor=actor,
            user_id=user_id,
            entity_type="post",
            entity_id=post.id or 0,
            action="erase_personal_data",
            before=None,
            after={"erased": True},
        )
    session.commit()
    return len(posts)


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
