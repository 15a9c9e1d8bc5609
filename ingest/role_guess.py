"""A source's role guessed when it is first crawled, until an operator sets one.

The page's own word comes first: a VK community's state-organisation mark, its name, its
activity and description (`groups.getById`), a Telegram channel's title; then the crawl's
items: who wrote them and where they sit. The guess is stored marked as guessed and shown
to the operator; a role a person set is never touched. While nothing can be told, the next
crawl tries again.
"""

import logging

from sqlmodel import Session, select

from ingest.clients import Clients
from ingest.cursor import load_cursor
from ingest.failures import SourceFailure
from ingest.vk.groups import VkGroup, get_group
from models.post import Post
from models.source import Source, SourceKind, SourceRole
from nlp.roles import guess_role

log = logging.getLogger(__name__)
SAMPLE = 500  # the source's items read for the guess
COMMUNITY_KINDS = (SourceKind.VK_WALL, SourceKind.VK_COMMENTS)


def guess_source_role(session: Session, *, source: Source, clients: Clients) -> SourceRole | None:
    """Guess and stage the role of a source nobody has given one (the caller commits)."""
    if source.role is not None:
        return None
    name, description, government = source.name, "", False
    if source.kind == SourceKind.TELEGRAM:  # the channel's title, kept by its first crawl
        title = str(load_cursor(session, source_id=source.id or 0).get("title") or "")
        name = f"{title}\n{source.name}" if title else source.name
    group = _community(source, clients)
    if group is not None:
        name = f"{group.name}\n{source.name}" if group.name != source.name else source.name
        description, government = f"{group.activity}\n{group.description}", group.is_government
    posts = session.exec(
        select(Post.author_kind, Post.thread_position)
        .where(Post.source_id == source.id)
        .limit(SAMPLE)
    ).all()
    guessed = guess_role(
        name=name,
        posts=[(kind, position) for kind, position in posts],
        description=description,
        government=government,
    )
    if guessed is not None:
        source.role, source.role_guessed = guessed, True
        session.add(source)
    return guessed


def _community(source: Source, clients: Clients) -> VkGroup | None:
    if source.kind not in COMMUNITY_KINDS or not source.target.startswith("-"):
        return None
    if clients.vk is None:
        return None
    try:
        return get_group(clients.vk(), group=source.target)
    except SourceFailure as failure:  # the guess waits for the items; the crawl goes on
        log.warning("source %s: no community details for its role: %s", source.id, failure)
        return None
