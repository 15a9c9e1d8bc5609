"""Vacancies: an employer's offer of a job, never a resident's signal.

«Требуются продавцы, зарплата от 45 000, график 2/2», «Приглашаем на работу водителей:
официальное трудоустройство, собеседование по телефону». What makes one is an employer's
offer (`HIRING`: «требуется», «вакансия», «приглашаем на работу», «ищем в команду», «в
поисках работы?») and its terms (`TERMS`: pay «от …» or per shift, a schedule, a watch,
an interview, employment «по ТК»). Residents speak of jobs and pay too («требуется ремонт
дороги», «зарплаты поднимите»), but not with both, and a shortage («дворников нет,
собеседование провести не могут») is theirs. Read in lowercase with «ё» as «е»; the
structure step (`nlp.structure`) adds the complaint guard. Chosen on the development rows of
the labelled social sample (BENCHMARKS.md, "Sale listings and vacancies by their shape").
"""

import re

HIRING = re.compile(
    r"(?<![а-я])(?:требу(?:ется|ются)|ваканси[яи]|открыт[аы]? ваканси|"
    r"пригла(?:шаем|шает|шаю) (?:на работу|для работы|в (?:нашу )?команду|"
    r"присоединиться к (?:нашей )?команде)|ищем (?:в (?:нашу )?команду|сотрудник)|"
    r"в поисках работы|набор (?:сотрудников|персонала))(?![а-я])"
)
TERMS = re.compile(
    r"(?<![а-я])(?:(?:зарплат[аы]|з/п|зп|оплата|доход|оклад) (?:от|до)|"
    r"график(?: работы)? \d/\d|сменный график|вахт\w*|собеседовани\w*|"
    r"официальное (?:трудоустройство|оформление)|оформление по тк|соцпакет|"
    r"(?:р|руб)\w*\.?\s?(?:/|в|за)\s?смен[уа])(?![а-я])"
)
# A shortage residents complain of («некому убирать», «не могут найти»): never a vacancy,
# whatever its words (not a bare «нет»: «нет ночных смен» is a job's perk)
SHORTAGE = re.compile(r"(?<![а-я])(?:некому|не хватает|не могут|не может|никто|никого)(?![а-я])")
# One cheap pass of literals before the patterns: what a match of HIRING holds
VACANCY_MARK = re.compile(r"требу(?:етс|ютс)|ваканси|приглаша|ищем|поисках работы|набор [сп]")


def is_vacancy(lowered: str) -> bool:
    """Whether `lowered` (lowercase, «ё» as «е») is an employer's offer of a job with its
    terms, and no word of a shortage."""
    if VACANCY_MARK.search(lowered) is None:
        return False
    if HIRING.search(lowered) is None or TERMS.search(lowered) is None:
        return False
    return SHORTAGE.search(lowered) is None
