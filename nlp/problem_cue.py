"""Whether a few words name a city problem: what a short text read alone must carry to pass.

A comment of a few words with no thread around it («Снег идёт», «Иду домой по улице»)
says nothing a moderator can act on, unless its words name the problem themselves:
a utility out («свет отключили», «воды нет»), a thing broken, dirty or dangerous («яма»,
«прорвало», «гололёд», «мусор не вывозят», «холодно»), a demand to the services («почините»,
«уберите», «требуется ремонт»), a resident's echo of a shared problem («у кого ещё…», «так и
не…»), an address or a place («Ленина 15», «ул. Мира», «на Садовой»). The complaint and
urgency cues of `nlp.structure.complains` count too (the structure step reads both).
Read in lower case with «ё» as «е»; the address shapes are read as written.
"""

import re

from nlp.address import BARE_STREET, CUED_STREET, HOUSE_ONLY, NAME_THEN_CUE, PREPOSITION_STREET
from nlp.echo import ECHO

_AFTER = r"(?![а-я])"
_BEFORE = r"(?<![а-я])"
# A utility and a word of its loss anywhere in the text, in either order: «свет отключили»,
# «без отопления», «воды нет», «выключите отопление», «когда дадут газ».
UTILITY = re.compile(
    rf"{_BEFORE}(?:вод[аыуеой]?|свет[ау]?|электричеств\w*|электроэнерги\w*|отоплени\w*|"
    rf"тепл[оау]?|батаре\w*|газ[ау]?|интернет\w*|канализаци\w*|лифт\w*){_AFTER}"
)
OUTAGE = re.compile(
    rf"{_BEFORE}(?:нет|без|отключ\w*|выключ\w*|вырубил\w*|отрубил\w*|пропал\w*|не да[ею]т|"
    rf"не дали|дайте|включите|дадут){_AFTER}"
)
# Something broken, dirty, cold, dark or dangerous, and a demand to put it right.
TROUBLE = re.compile(
    rf"{_BEFORE}(?:"
    r"ям[аыу]|ямы|выбоин\w*|колдоб\w*|колея|колеи|разлом\w*|прорыв\w*|прорвал\w*|теч[еь]т|"
    r"протек\w*|протека\w*|затопил\w*|подтоп\w*|сломал\w*|сломан\w*|разбит\w*|разруш\w*|"
    r"обвал\w*|обруш\w*|авари\w*|"
    r"мусор\w*|свалк\w*|грязь|грязи|лужи?|вонь|воня\w*|вонищ\w*|запах\w*|"
    r"лед|льд\w*|гололед\w*|налед\w*|сосульк\w*|скользк\w*|сугроб\w*|глыб\w*|не чищен\w*|"
    r"холодно|холодин\w*|замерза\w*|мерзн\w*|темно|темнот\w*|не горит|не горят|"
    r"бродяч\w*|дым\w*|не работа\w*|не ход[ия]т|не приход\w*|"
    r"не убира\w*|не убрал\w*|не чист\w*|не вывоз\w*|не вывез\w*|"
    r"парковк\w* на|припаркова\w*|"
    r"(?:требуется|необходим\w*|нужен|нужна|нужно) (?:ремонт|устранить|убрать|починить|заменить)|"
    r"устранит\w*|принять меры|почините|отремонтируйте|уберите|вывезите|почистите|расчистите|"
    r"восстановите"
    rf"){_AFTER}"
)
# An echo of a shared problem in words («у кого ещё…»), not a bare «+1»
_LETTER = re.compile(r"[а-я]")
# «На 9», «По 2»: a capitalised preposition before a figure is no street
_NOT_A_STREET = frozenset(
    ("на", "по", "до", "от", "за", "под", "над", "для", "без", "через", "около", "возле", "все")
)


def names_problem(text: str) -> bool:
    """Whether `text` names a problem by these words or an address (the complaint and
    urgency cues are `nlp.structure.complains`')."""
    lowered = text.lower().replace("ё", "е")
    if TROUBLE.search(lowered) or (UTILITY.search(lowered) and OUTAGE.search(lowered)):
        return True
    echo = ECHO.search(lowered)
    return bool(echo and _LETTER.search(echo.group(0))) or names_address(text)


def names_address(text: str) -> bool:
    """Whether `text` holds an address's shape: a street's type and name («ул. Мира»,
    «Садовая улица»), a house («дом 5», «у 44 дома»), a place after «на» / «по» («на
    Чернышевской», «по Ленина») or a name and a number («Ленина 15»)."""
    shapes = (CUED_STREET, NAME_THEN_CUE, HOUSE_ONLY, PREPOSITION_STREET)
    if any(shape.search(text) for shape in shapes):
        return True
    return any(m.group("name").lower() not in _NOT_A_STREET for m in BARE_STREET.finditer(text))
