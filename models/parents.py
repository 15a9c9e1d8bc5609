"""A comment's parent: the stored post or comment it answers, found through indexes only.

First in the comment's own source, by `(source_id, external_id)` (the unique index); what is
not there, under the parent's network key (`models.post_store.network_key`, the unique index
on `Post.network_key`): a VK post a wall crawl stored is the parent of a comment a search
crawl found. The NLP stage asks for a page of posts at once, the console for one post.
"""

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import and_, or_
from sqlmodel import Session, col, select

from models.post import Post
from models.post_store import network_key
from models.source import Source


def parent_posts(session: Session, *, posts: Sequence[Post]) -> dict[int, Post]:
    """post id -> the stored post it answers; a post whose parent is not stored is left out.

    Two queries whatever the page's size, the sources' own posts and the network keys, and
    for the parents not in their own source, each source the session does not hold yet."""
    asking: dict[int, tuple[int, str]] = {}
    for post in posts:
        if post.id is not None and post.parent_external_id:
            asking[post.id] = (post.source_id, post.parent_external_id)
    found = _in_own_source(session, asking)
    rest = {post_id: wanted for post_id, wanted in asking.items() if post_id not in found}
    found.update(_under_network_key(session, rest))
    return found


def parent_post(session: Session, post: Post) -> Post | None:
    """The post or comment `post` answers, if stored (the batch of one)."""
    return parent_posts(session, posts=[post]).get(post.id) if post.id is not None else None


def _in_own_source(session: Session, asking: dict[int, tuple[int, str]]) -> dict[int, Post]:
    """One `source_id = ? AND external_id IN (…)` term per source: each one searches the
    unique index (a row-value `IN` made SQLite scan the table)."""
    by_source: dict[int, set[str]] = defaultdict(set)
    for source_id, external_id in asking.values():
        by_source[source_id].add(external_id)
    if not by_source:
        return {}
    terms = [and_(col(Post.source_id) == source_id, col(Post.external_id).in_(sorted(ids)))
             for source_id, ids in sorted(by_source.items())]  # fmt: skip
    stored = {(post.source_id, post.external_id): post
              for post in session.exec(select(Post).where(or_(*terms)))}  # fmt: skip
    return {post_id: stored[wanted] for post_id, wanted in asking.items() if wanted in stored}


def _under_network_key(session: Session, asking: dict[int, tuple[int, str]]) -> dict[int, Post]:
    """The parent's network key as the comment's source would have keyed it: VK ids are the
    same on every VK source, a Telegram message's key holds its channel."""
    sources = {source_id: session.get(Source, source_id)
               for source_id in {source_id for source_id, _ in asking.values()}}  # fmt: skip
    keys = {post_id: key for post_id, (source_id, external_id) in asking.items()
            if (key := network_key(sources[source_id], external_id)) is not None}  # fmt: skip
    if not keys:
        return {}
    wanted = sorted(set(keys.values()))
    statement = select(Post).where(col(Post.network_key).in_(wanted))
    stored = {post.network_key: post for post in session.exec(statement)}
    return {post_id: stored[key] for post_id, key in keys.items() if key in stored}
