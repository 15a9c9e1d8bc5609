"""VK's inline markup made readable.

A mention keeps only its name: `[club123|Администрация]` -> `Администрация`
(also `[perm_adm|…]` and a board reply's `[id42:bp-1_2|…]`). A link keeps its
text and its address, so nothing is lost: `[https://vk.com/wall-1_2|здесь]` ->
`здесь (https://vk.com/wall-1_2)`.
"""

import re

_LABEL = r"([^\]\[|]+)"
_MENTION = re.compile(
    r"\[(?:(?:id|club|public|event)\d+(?::bp-?\d+_\d+)?|[A-Za-z0-9_.]+)\|" + _LABEL + r"\]"
)
_LINK = re.compile(r"\[(https?://[^\s\]\[|]+)\|" + _LABEL + r"\]")


def readable(text: str) -> str:
    text = _LINK.sub(r"\2 (\1)", text)
    return _MENTION.sub(r"\1", text)
