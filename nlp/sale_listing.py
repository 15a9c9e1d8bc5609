"""Sale listings by their shape: a car or a thing for sale, written as sellers write them.

A flea market's or car market's wall post often has neither a seller's word of a sale nor a
contact (on VK the author is the contact): «Гранта 2016 г.в., мотор бодрый, пробег 120 тыс,
цена 450к торг», «Коляска в отличном состоянии, б/у один сезон. 6000». What makes it one is
its shape: an asking price as sellers write it («цена 280», «торг», «370к», «450тр», «4000р»)
and either two marks of a car's description (its engine, gearbox, mileage, ПТС, owners,
body…; its year of make or make's name count beside one of those) or a thing's condition
(«в хорошем состоянии», «б/у», «не пользовались»; then a bare price closing the text will
do). Read in lowercase with «ё» as «е»; the structure step (`nlp.structure`) adds the
complaint guard, and damage, loss or a thing abandoned («разбили», «яма», «угнали»,
«брошенная», «сломана») keeps the rule off: a resident's loss is not an advert. Chosen on
the development rows of the labelled social sample (BENCHMARKS.md, "Sale listings and
vacancies by their shape").
"""

import re

# A figure with its unit as sellers write it: «370к», «450тр», «53 тыс.», «4000р», «2 000 ₽»
# (also `nlp.structure`'s asking price)
PRICE_FIGURE = r"\d(?<![a-z]\d)[\d .,]*\s?(?:₽|р|руб\w*|т\.?р|тр|к|т|тыс\w*)(?![а-яa-z])"
# An asking price: «цена 280», «торг» or a figure («цене», «стоимость проезда» are how news
# and complaints speak of prices). Each alternative starts with a character, its
# look-behind after it: `re` then skips ahead fast.
LISTED_PRICE = re.compile(rf"ц(?<![а-я]ц)ена(?![а-я])|т(?<![а-я]т)орг(?![а-я])|{PRICE_FIGURE}")
# A bare price closing the text («… в хорошем состоянии  5000»)
CLOSING_PRICE = re.compile(r"(?<![\d.,:/-])\d{3,7}(?:[ .]\d{3})?[\s!.)]*$")
# A car's description: each alternative names one mark (`_describes_a_car` counts distinct
# ones); a word's start needs no look-behind here (none of them ends another word)
CAR_MARKS = {
    "engine": r"мотор|двигател|дизел|турбо",
    "gearbox": r"коробк|кпп|акпп|мкпп",
    "chassis": r"ходов(?:ая|ой|ую)",
    "mileage": r"пробег",
    "papers": r"птс|автотек",
    "owners": r"(?:владел\w*|собственник|хозя(?:ин|ина|ев))(?![а-я])",
    "body": r"по кузову",
    "trim": r"комплектаци|кондер|кондиционер|л(?<![а-я]л)\.с",
    "running": r"на полном ходу|масло не (?:ест|берет|жрет|кушает)|вложений не требует|"
    r"без вложений",
}
DESCRIPTION = re.compile("|".join(f"(?P<{name}>{pattern})" for name, pattern in CAR_MARKS.items()))
# A car's identity, its year of make or its make's name: a mark only beside one of its
# description (news and complaints name a car by them too)
IDENTITY = re.compile(
    r"(?:19[89]\d|20[0-2]\d)\s?(?:г\.?\s?в|года? выпуска|г(?:од|\.)?(?![а-я]))"
    r"|(?<![а-я])год[а]?\s(?:19[89]\d|20[0-2]\d)(?!\d)|(?<![а-я])г\.\s?в\."
    r"|(?<![а-яa-z])(?:ваз|лада|приор[аеуы]|грант[аеуы]|калин[аеуы]|нив[аеуы]|"
    r"kia|киа|hyundai|хендай|хундай|toyota|тойот[аеуы]|mercedes|мерседес|bmw|бмв|audi|ауди|"
    r"opel|опель|ford|форд|skoda|шкод[аеуы]|volkswagen|vw|фольксваген|renault|рено|nissan|"
    r"ниссан|mazda|мазд[аеуы]|honda|хонд[аеуы]|lexus|лексус|infinit\w*|mitsubishi|"
    r"chevrolet|шевроле|daewoo|нексия|матиз|логан|солярис|волг[аеуы]|газел\w*)(?![а-яa-z])"
)
# Damage, loss or a thing abandoned: a resident's complaint («машину за 300 тысяч разбили на
# яме», «брошенная газель без колёс», «горка сломана, ремонт оценили в 50 тыс»)
LOSS = re.compile(
    r"разби|повред|пробил|я(?<![а-я]я)м[аыуе]?(?![а-я])|угна|украл|эвакуа|эвакуир|сгорел|"
    r"брошен|сломан|разруш|аварийн"
)
# A thing's condition as sellers describe it (not «не в рабочем состоянии»)
CONDITION = re.compile(
    r"(?:в(?<![а-я]в)(?<!не в) (?:хорошем|отличном|идеальном|рабочем|нормальном|"
    r"удовлетворительном|достойном|бодром) (?:\w+ )?состоянии|"
    r"с(?<![а-я]с)остояние (?:отличное|хорошее|идеальное|новых?|\d)|б(?<![а-я]б)(?:/у|у)|"
    r"н(?<![а-я]н)е пользовал\w*|б(?<![а-я]б)ез торга|символический торг|торг уместен)(?![а-я])"
)
# One cheap pass of literals before the patterns: what a match of CONDITION or of a car's
# description (not its identity) holds; grouped by first letter, so the pass stays cheap
LISTING_MARK = re.compile(
    r"м(?:отор|асло не| состоянии)|д(?:вигател|изел)|турбо|к(?:оробк|пп|омплектаци|онд[еи])|"
    r"п(?:робег|тс|ользовал|олном ходу|о кузову)|автотек|в(?:ладел|ложени)|собственник|"
    r"хозя[ие]|ходов[аоу][яйю]|б(?:/у|у(?![а-я])|ез торга)|ческий торг|торг уместен|л\.с|"
    r"состояние [охин\d]"
)


def is_sale_listing(lowered: str) -> bool:
    """Whether `lowered` (lowercase, «ё» as «е») is a car or a thing for sale by its shape:
    an asking price and two marks of a car, or a thing's condition and a price; never beside
    damage, loss or a thing abandoned."""
    if LISTING_MARK.search(lowered) is None:
        return False
    if LOSS.search(lowered) is not None:
        return False
    priced = LISTED_PRICE.search(lowered) is not None
    if priced and _describes_a_car(lowered):
        return True
    if CONDITION.search(lowered) is None:
        return False
    return priced or CLOSING_PRICE.search(lowered.strip()) is not None


def _describes_a_car(lowered: str) -> bool:
    """Two marks of a car, at least one of them of its description (not its identity)."""
    marks = {match.lastgroup for match in DESCRIPTION.finditer(lowered)}
    if len(marks) >= 2:
        return True
    return len(marks) == 1 and IDENTITY.search(lowered) is not None
