"""VK's mention markup made readable: `[club123|Администрация]` -> `Администрация`."""

import re

_MENTION = re.compile(r"\[((?:id|club|public|event)\d+|[A-Za-z0-9_.]+)\|([^\]\[|]+)\]")


def readable(text: str) -> str:
    return _MENTION.sub(r"\2", text)
