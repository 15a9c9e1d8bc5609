"""An agency's name as a narrow list column shows it: what tells it from the others kept
(whose administration it is, which ministry), the rest abbreviated the way Russian
documents do («Адм. Краснокамск. ГО»); the whole name is in the report's card."""

import re

from dashboard import text_width
from dashboard.charts import short_name

# The region an agency serves, at the end of its name: the list is one region's anyway
# («Министерство транспорта Пермского края», «Управление … по Пермскому краю», «… в Пермском
# крае», «… администрации города Перми»)
_REGION_TAIL = re.compile(
    r"\s+(?:(?:по|в)\s+)?[А-ЯЁ][\w-]+\s+(?:кра[йяюе]|област[иью]|республик[аеиу])$"
    r"|\s+администрации города\s+[А-ЯЁ][\w-]+$"
)
_AGENCY_WORDS = (
    ("Министерство", "Мин."),
    ("Департамент", "Деп."),
    ("Государственная", "Гос."),
    ("государственного", "гос."),
    ("Управление", "Упр."),
    ("Региональный оператор", "Регоператор"),
    ("по обращению с ТКО", "ТКО"),
    ("Администрация", "Адм."),  # «Администрация Льговского района», typed by an operator
    ("городского округа", "ГО"),
    ("муниципального округа", "МО"),
    ("муниципального района", "МР"),
    ("района", "р-на"),
)
# «Пермский филиал ПАО «Ростелеком»»: the company's name tells it from another's branch
_BRANCH = re.compile(r"^[А-ЯЁ][\w-]+ филиал (?=\w+ «)")
_ADMINISTRATION = "Администрация: "  # how the gazetteer names a municipality's administration
VOWELS = frozenset("аеёиоуыэюяАЕЁИОУЫЭЮЯ")
SHORTEST_STEM = 4  # «Перм.», never «Пе.»
_WORD = re.compile(r"[А-ЯЁа-яё]{6,}")  # a word worth abbreviating: letters only, not «ТКО»


def short_agency(agency: str, column: int) -> str:
    """`agency` in a column `column` pixels wide: an administration by its place, «Адм.
    Пермский ГО», its place abbreviated when too wide («Адм. Березниковск. ГО»; «Администрация»
    alone said nothing in a list of several); a company by its own name («ПАО «Т Плюс»»);
    other bodies without their region and with the usual abbreviations («Мин. транспорта»),
    cut with «…» where still too wide."""
    if agency.startswith(_ADMINISTRATION):
        name = f"Адм. {short_name(agency.removeprefix(_ADMINISTRATION))}"
    else:
        name = _BRANCH.sub("", _REGION_TAIL.sub("", agency))
        for long, short in _AGENCY_WORDS:
            name = name.replace(long, short)
    if name.startswith("Адм. "):
        name = _abbreviated(name, column)
    return text_width.fit(name, column)


def _abbreviated(name: str, column: int) -> str:
    """`name` with its long words cut, longest first, until it fits `column` (as far as they
    can be: a word keeps its first `SHORTEST_STEM` letters at least)."""
    room = column - 2 * text_width.CELL_PADDING - text_width.SLACK
    for word in sorted(set(_WORD.findall(name)), key=len, reverse=True):
        over = text_width.text_px(name) - room
        if over <= 0:
            break
        cuts = _cuts(word)  # longest first: the longest that fits, else the shortest
        fitting = [
            cut for cut in cuts if text_width.text_px(word) - text_width.text_px(cut) >= over
        ]
        if cuts:
            name = name.replace(word, (fitting or cuts[-1:])[0], 1)
    return name


def _cuts(word: str) -> list[str]:
    """Where a Russian word may be abbreviated, longest first: before a vowel that follows a
    consonant, so the stem ends in a consonant («Краснокамск.», «Краснок.»)."""
    return [
        word[:at] + "."
        for at in range(len(word) - 1, SHORTEST_STEM - 1, -1)
        if word[at] in VOWELS and word[at - 1] not in VOWELS and word[at - 1] not in "ьъй"
    ]
