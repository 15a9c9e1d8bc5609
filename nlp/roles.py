"""A source's role guessed from its name and its first crawl, until an operator sets it."""

import re
from collections.abc import Sequence

from models.post import AuthorKind, ThreadPosition
from models.source import SourceRole

_RESIDENTS = re.compile(r"подслушано|\bчп\b|жалоб|инцидент|жител|соседи|\bдом\b|чат", re.I)
_AUTHORITY = re.compile(
    r"администрац|правительств|мэри[яи]|\bглав[аы]\b|министерств|департамент|комитет|"
    r"управлени[ея]|прокуратур|дум[аы]\b|губернатор|префектур|\bмчс\b|госуслуг|"
    r"\bцур\b|муниципальн|городск\w+ округ",
    re.I,
)
_MEDIA = re.compile(r"новост|news|онлайн|online|\bсми\b|газет|\bтв\b|радио|журнал|медиа", re.I)


def guess_role(*, name: str, posts: Sequence[tuple[str, str]]) -> SourceRole | None:
    """From the name first; else from the items: (author kind, thread position) pairs.

    A page that answers in its own comments is an administration's; one whose posts are
    mostly residents' is a residents' public; one that only publishes its own posts is media.
    """
    for pattern, role in ((_RESIDENTS, SourceRole.RESIDENTS), (_AUTHORITY, SourceRole.AUTHORITY),
                          (_MEDIA, SourceRole.MEDIA)):  # fmt: skip
        if pattern.search(name):
            return role
    if not posts:
        return None
    own = [position for kind, position in posts if kind == AuthorKind.SOURCE]
    if any(position != ThreadPosition.POST for position in own):
        return SourceRole.AUTHORITY
    top = [kind for kind, position in posts if position == ThreadPosition.POST]
    if top and sum(kind == AuthorKind.PERSON for kind in top) * 2 > len(top):
        return SourceRole.RESIDENTS
    if top and all(kind == AuthorKind.SOURCE for kind in top):
        return SourceRole.MEDIA
    return None
