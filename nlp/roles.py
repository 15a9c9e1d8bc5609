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
_OFFICIAL = re.compile(
    r"официальн\w* (страниц|сообществ|паблик|канал|аккаунт|групп)|органы власти|"
    r"государственн\w* (организац|учрежден)",
    re.I,
)
_MEDIA = re.compile(r"новост|news|онлайн|online|\bсми\b|газет|\bтв\b|радио|журнал|медиа", re.I)


def guess_role(
    *,
    name: str,
    posts: Sequence[tuple[str, str]],
    description: str = "",
    government: bool = False,
) -> SourceRole | None:
    """From the page's own word first: a state organisation's mark, then its name, then its
    description; else from the items, (author kind, thread position) pairs.

    A page that answers in its own comments is an administration's; one whose posts are
    mostly residents' is a residents' public; one that only publishes its own posts is media.
    """
    if government:
        return SourceRole.AUTHORITY
    named = ((_RESIDENTS, SourceRole.RESIDENTS), (_AUTHORITY, SourceRole.AUTHORITY),
             (_MEDIA, SourceRole.MEDIA))  # fmt: skip
    # A description names the administration on every kind of page (residents' publics
    # forward complaints to it): only a page calling itself official is taken at its word.
    described = ((_OFFICIAL, SourceRole.AUTHORITY), named[0], named[2])
    for said, patterns in ((name, named), (description, described)):
        for pattern, role in patterns:
            if said and pattern.search(said):
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
