"""What the NLP stage knows of each stored post besides its words (`PostContext`)."""

from sqlmodel import Session, select

from models.annotation import PostContext
from models.parents import parent_posts
from models.post import AuthorKind, Post, ThreadPosition
from models.source import Source
from nlp.roles import guess_role

GUESS_SAMPLE = 500  # posts of a source read to guess its role


def post_contexts(
    session: Session, *, posts: list[Post], parents: dict[int, Post] | None = None
) -> list[PostContext]:
    """One context per post: its author, its thread position and parent, its page's role.
    `parents`: `models.parents.parent_posts` of these posts, when the caller has them."""
    roles = {source_id: source_role(session, source_id=source_id)
             for source_id in {post.source_id for post in posts}}  # fmt: skip
    if parents is None:
        parents = parent_posts(session, posts=posts)
    return [_context(post, roles[post.source_id], parents.get(post.id or 0)) for post in posts]


def _context(post: Post, role: str | None, parent: Post | None) -> PostContext:
    in_thread = post.thread_position != ThreadPosition.POST
    return PostContext(
        position=post.thread_position,
        author_is_source=post.author_kind == AuthorKind.SOURCE,
        author_is_community=post.author_kind == AuthorKind.COMMUNITY,
        source_role=role,
        parent_text=parent.text if parent is not None else None,
        parent_missing=in_thread and parent is None and post.parent_external_id is not None,
        is_ad=post.is_ad,
    )


def source_role(session: Session, *, source_id: int) -> str | None:
    """The operator's role for the source, else a guess (stored, marked as guessed)."""
    source = session.get(Source, source_id)
    if source is None or source.role is not None:
        return source.role if source else None
    sample = session.exec(
        select(Post.author_kind, Post.thread_position)
        .where(Post.source_id == source_id)
        .limit(GUESS_SAMPLE)
    ).all()
    guessed = guess_role(name=source.name, posts=[(kind, position) for kind, position in sample])
    if guessed is not None:
        source.role, source.role_guessed = guessed, True
        session.add(source)
    return guessed


def guess_again(session: Session, *, source_id: int) -> str | None:
    """The source's guessed role, guessed again over all its items now that more came in (a
    page's comments file after its wall file); a role an operator set is kept, and so is
    the old guess when the items no longer tell. The caller commits."""
    source = session.get(Source, source_id)
    if source is None or not source.role_guessed:
        return source.role if source else None
    previous = source.role
    source.role, source.role_guessed = None, False
    guessed = source_role(session, source_id=source_id)
    if guessed is None:
        source.role, source.role_guessed = previous, True
        session.add(source)
    return source.role


def answered_posts(
    session: Session, *, posts: list[Post], parents: dict[int, Post] | None = None
) -> list[tuple[Post, Post]]:
    """The page's own replies on an authority page -> the resident's post each answers."""
    if parents is None:
        parents = parent_posts(session, posts=posts)
    out = []
    for post in posts:
        parent = parents.get(post.id or 0)
        if (
            parent is not None
            and post.author_kind == AuthorKind.SOURCE
            and post.thread_position != ThreadPosition.POST
            and parent.author_kind != AuthorKind.SOURCE
            and source_role(session, source_id=post.source_id) == "authority"
        ):
            out.append((post, parent))
    return out
