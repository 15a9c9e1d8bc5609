"""A short reply that echoes the problem it answers: «у нас тоже», «+1», «так и не убрали».

Such a reply says nothing alone and everything with its parent: it is read with the parent
(`nlp.structure.with_parent`), takes its topic and joins its incident. Any other short
reply («Красота!», «Доброе утро», an insult) is read alone: under a post about a problem it
used to be read as that problem and reached moderators as one.
"""

import re

# Lower case, «ё» as «е». Each alternative is a way residents say "the same here / still so /
# when will it be done", not a mood: «опять зима» is not one, «опять нет воды» is.
ECHO = re.compile(
    r"(?:^|\W)(?:"
    r"у (?:нас|меня|них|соседей)(?: \w+){0,2} (?:тоже|также|так же|то же самое)"
    r"|(?:мы|я) тоже (?:без|не|с)\b"
    r"|тоже (?:нет|не|без)\b"
    r"|(?:та|такая) же (?:проблема|ситуация|история|беда|картина)"
    r"|то же самое|аналогично|подтверждаю|поддерживаю|присоединяюсь"
    r"|так и не\b"
    r"|до сих пор (?:не|нет)\b"
    r"|все еще (?:не|нет)\b"
    r"|(?:опять|снова) (?:нет|не|без|отключили)\b"
    r"|у кого (?:еще|тоже|также)\b"
    r"|когда (?:уже|же|наконец)\b"
    r"|сколько можно\b"
    r")"
    r"|^\s*\+\s*1?\s*$"  # «+1», «+»
)


def echoes(text: str) -> bool:
    """Whether a reply's words echo its parent's problem."""
    return ECHO.search(text.lower().replace("ё", "е")) is not None
