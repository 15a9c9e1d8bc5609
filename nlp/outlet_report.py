"""A news outlet's own report of crime and courts, or of a weather forecast.

The labels' rubric (benchmarks/labels/README_labels_noise.md) makes crime, courts and
weather warnings news, never a signal: «Возбуждено уголовное дело…», «Суд приговорил…»,
«Полиция разыскивает мужчину…», «Синоптики прогнозируют гололедицу…», «Погода в
Ставрополе 11 апреля». What makes one is who wrote it and whose account it retells: a media
page's or channel's own post (the structure step, `nlp.structure`, checks that) that speaks
as the police, investigators and courts do (`CRIME`) or as forecasters do (`FORECAST`). A
city problem an outlet reports (a burst main, a fire, a storm's fallen trees) is a signal:
the structure step's complaint guard (its complaint words and `nlp.urgency`: fire, accident,
no water or heating) keeps the rule off it, and a forecast beside damage or the injured
(`DAMAGE`: «деревья упали на машины», «пострадали четыре человека») is left to the words.
Read in lowercase with «ё» as «е». Chosen on the development rows of the labelled social
sample (BENCHMARKS.md, "News outlets' reports of crime, courts and weather").
"""

import re

# The police's, investigators' and courts' account: a criminal case, a verdict, a suspect
# held or sought («вследствие», «последствия» are not «следствие»: the look-behind)
CRIME = re.compile(
    r"(?<![а-я])(?:уголовн\w* дел\w*|возбу\w+ дел[оа]|приговор\w*|осужд\w*|"
    r"задержа(?:н|на|ны|л|ли)|подозреваем\w*|обвиняем\w*|следстви\w*|следовател\w*|сизо|"
    r"колони[июй]|под страж\w*|разыскива\w*|полиция ищет|ищет полиция)(?![а-я])"
)
# The forecasters' account: a forecast, its source, a weather warning's level
FORECAST = re.compile(
    r"(?<![а-я])(?:синоптик\w*|метеобюро|гидрометцентр\w*|цгмс|"
    r"прогноз(?:у|ам|ом|ирует|ируют)?|погода в|магнитн\w* бур\w*|"
    r"(?:желтый|оранжевый|красный)\W{0,3}уровень)(?![а-я])"
)
# Damage or people hurt: a storm's consequences are a city problem, not a forecast
DAMAGE = re.compile(r"пострада|погиб|поврежд|разруш|упал|обруш|госпитализ|травм|повали|обесточ")
# One cheap pass of literals before the patterns: what a match of either of them holds
# (grouped by first letter, as `nlp.sale_listing.LISTING_MARK`)
REPORT_MARK = re.compile(
    r"у(?:головн|ровень)|возбу|п(?:риговор|одозрева|од страж|рогноз|огода в)|о(?:сужд|бвиня)|"
    r"задержа|с(?:ледств|ледовател|изо|иноптик)|колони|разыскива|ищет|м(?:етеобюро|агнитн)|"
    r"гидрометцентр|цгмс"
)


def is_outlet_report(lowered: str) -> bool:
    """Whether `lowered` (lowercase, «ё» as «е») speaks as the police, investigators and
    courts do, or as forecasters do with no damage and no one hurt."""
    if REPORT_MARK.search(lowered) is None:
        return False
    if CRIME.search(lowered) is not None:
        return True
    return FORECAST.search(lowered) is not None and DAMAGE.search(lowered) is None
