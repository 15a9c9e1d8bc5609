"""The NLP pipeline stage: annotate ingested posts, once each."""

from sqlmodel import Session, select

from models.annotation import Annotation, SetBy
from models.parents import parent_posts
from models.post import PipelineStage, Post
from models.source import Source, SourceKind
from nlp.annotator import Annotator
from nlp.context import answered_posts, post_contexts

BATCH_SIZE = 200


def annotate_posts(session: Session, *, annotator: Annotator, post_ids: list[int]) -> list[int]:
    """Write one current model annotation per not-yet-annotated post; return the ids done now."""
    done: list[int] = []
    for start in range(0, len(post_ids), BATCH_SIZE):
        done.extend(_annotate_batch(session, annotator, post_ids[start : start + BATCH_SIZE]))
        session.commit()
    return done


def _annotate_batch(session: Session, annotator: Annotator, ids: list[int]) -> list[int]:
    rows = session.exec(
        select(Post, Source.municipality_id, Source.kind)
        .join(Source, Source.id == Post.source_id)  # type: ignore[arg-type]
        .where(Post.id.in_(ids), Post.stage == PipelineStage.INGESTED)  # type: ignore[union-attr]
        .order_by(Post.id)  # type: ignore[arg-type]
    ).all()
    already = _annotated_ids(session, [post.id for post, _, _ in rows if post.id is not None])
    todo = [(post, prior, kind) for post, prior, kind in rows if post.id not in already]
    posts = [post for post, _, _ in todo]
    parents = parent_posts(session, posts=posts)  # one look-up for the whole batch
    contexts = post_contexts(session, posts=posts, parents=parents)
    results = annotator.annotate(
        [post.text for post in posts],
        priors=[prior for _, prior, _ in todo],
        contexts=contexts,
        places=[stated_place(post, kind) for post, _, kind in todo],
    )
    link_public_answers(session, posts=posts, parents=parents)
    for (post, _, _), result in zip(todo, results, strict=True):
        if result.reasons.get("read_with_parent") and post.id in parents:
            result.reasons["parent_post_id"] = parents[post.id].id  # triage joins its incident
        session.add(Annotation(post_id=post.id or 0, set_by=SetBy.MODEL,
                               model_version_id=annotator.model_version_id,
                               **result.model_dump()))  # fmt: skip
        post.stage = PipelineStage.ANNOTATED
        post.version += 1
        session.add(post)
    for post, _, _ in rows:
        if post.id in already:  # annotated before (a retried job): only move the stage on
            post.stage = PipelineStage.ANNOTATED
            session.add(post)
    return [post.id for post, _, _ in todo if post.id is not None]


def stated_place(post: Post, kind: str) -> str | None:
    """The municipality a person chose for the post: an operator's manual signal carries it
    in `geo` (`ingest.manual`); a crawled post's place is read from its text."""
    if kind != SourceKind.MANUAL or not isinstance(post.geo, dict):
        return None
    name = post.geo.get("municipality")
    return name if isinstance(name, str) else None


def link_public_answers(
    session: Session, *, posts: list[Post], parents: dict[int, Post] | None = None
) -> None:
    """An authority's reply under a resident's comment is stored as its public answer."""
    for post, answered in answered_posts(session, posts=posts, parents=parents):
        post.answer_to_post_id = answered.id
        session.add(post)


def _annotated_ids(session: Session, ids: list[int]) -> set[int]:
    if not ids:
        return set()
    statement = select(Annotation.post_id).where(
        Annotation.post_id.in_(ids),  # type: ignore[attr-defined]
        Annotation.is_current == True,  # noqa: E712
    )
    return set(session.exec(statement).all())
