"""A source's role guessed from its name and its first crawl, until an operator sets it."""

import re
from collections.abc import Sequence

from models.post import AuthorKind, ThreadPosition
from models.source import SourceRole

_RESIDENTS = re.compile(r"подслушано|жалоб|инцидент|жител|соседи|\bдом\b|чат", re.I)
# «ЧП …» is a residents' public unless its name says news («ЧП Ставрополь | новости края»)
_INCIDENTS = re.compile(r"\bчп\b", re.I)
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
_MEDIA = re.compile(
    r"новост|news|онлайн|online|\bсми\b|газет|\bтв\b|радио|журнал|медиа|"
    r"барахолк|объявлени|авторынок|\bрынок\b|продам|куплю",  # a market's posts are its own
    re.I,
)
# A page named after its territory alone («Ставропольский край», «Центральный район
# Санкт-Петербурга») is the territory's official page.
_TERRITORY = re.compile(
    r"^[А-ЯЁ][а-яё-]+(?:ий|ый|ой|ая|ое)\s+(?:край|район|область|округ)(?:\s+[А-ЯЁ][\w-]*){0,3}$"
)
_LINK = re.compile(r"\s*\((?:https?://)?(?:vk\.com|t\.me)/[^)]*\)\s*$")


def guess_role(
    *,
    name: str,
    posts: Sequence[tuple[str, str]],
    description: str = "",
    government: bool = False,
) -> SourceRole | None:
    """From the page's own word first: a state organisation's mark, then its name (a
    territory's name alone is its official page), then its description; else from the
    items, (author kind, thread position) pairs.

    A page that answers in its own comments is an administration's; one whose posts are
    mostly residents' is a residents' public; one that only publishes its own posts is media.
    """
    if government:
        return SourceRole.AUTHORITY
    named = ((_RESIDENTS, SourceRole.RESIDENTS), (_AUTHORITY, SourceRole.AUTHORITY),
             (_MEDIA, SourceRole.MEDIA), (_INCIDENTS, SourceRole.RESIDENTS))  # fmt: skip
    # A description names the administration on every kind of page (residents' publics
    # forward complaints to it): only a page calling itself official is taken at its word.
    described = ((_OFFICIAL, SourceRole.AUTHORITY), named[0], named[2], named[3])
    for pattern, role in named:
        if name and pattern.search(name):
            return role
    if any(_TERRITORY.match(_LINK.sub("", line).strip()) for line in name.splitlines()):
        return SourceRole.AUTHORITY
    for pattern, role in described:
        if description and pattern.search(description):
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
