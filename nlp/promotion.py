"""Promotions: a giveaway, an invitation to follow a channel or group, a sponsor's mark.

None of them is a resident's signal: «Разыгрываем iPhone! Подпишитесь на канал и сделайте
репост», «Подписывайтесь на наш канал: t.me/…», «Реклама. ООО «Окна», ИНН …», «Партнёрский
материал». Read in lowercase with «ё» as «е». The words only: the structure step
(`nlp.structure`) adds the guard that no complaint cue is present («розыгрыш квартир
провели, а победители до сих пор без ключей» is a complaint). Chosen on the development
rows of the labelled social sample (BENCHMARKS.md, "Promotions and priced sales").
"""

import re

# A giveaway: its word and a way to take part or its result (a bare «конкурс» is news:
# contests, pageants, their winners)
GIVEAWAY = re.compile(r"(?<![а-я])(?:розыгрыш\w*|разыгрыва\w*|разыгра(?:ем|ю|ет)|дарим)(?![а-я])")
TAKE_PART = re.compile(
    r"участв|подпи(?:ш|сыва)|репост|итог|победител|лайк|приз(?:ы|ов|ом|а|ами)?(?![а-я])"
)
# An invitation to follow a channel, group or page (not «подпишитесь под обращением»: a
# petition is residents' own)
FOLLOW = re.compile(
    r"(?<![а-я])(?:подпис(?:ывайтесь|ывайся)|подпиши(?:сь|тесь)|присоединяйтесь|"
    r"переходи(?:те)? по ссылке|сохраняйте канал|вступай(?:те)? в|рекомендуем канал)"
    r"(?![а-я])(?!\s+под(?![а-я]))"
)
CHANNEL = re.compile(r"канал|групп|паблик|сообществ|t\.me/|vk\.com/|@[a-z0-9_]{4,}")
# The sponsor's mark the advertising law asks for, without the token («Реклама. ООО …»,
# «Реклама | ИНН …») or in a channel's own words
SPONSOR_MARK = re.compile(
    r"(?<![а-я])(?:реклама\s*[|.:,]\s*(?:ооо|ип|инн|ао|пао)(?![а-я])|#реклама|"
    r"партнерский материал|на правах рекламы)"
)
# A petition or a collective appeal asks for signatures too: never a promotion
PETITION = re.compile(r"петици|обращени|подписи|подписей|коллективн")
# One cheap pass of literals before the patterns: what each of them holds
PROMOTION_MARK = re.compile(
    r"розыгр|разыгр|дарим|подпис|присоедин|переходи|сохраняйте|вступай|рекомендуем|реклам|"
    r"партнерск"
)


def is_promotion(lowered: str) -> bool:
    """Whether `lowered` (lowercase, «ё» as «е») is a giveaway, an invitation to follow a
    channel or group, or carries a sponsor's mark."""
    if PROMOTION_MARK.search(lowered) is None or PETITION.search(lowered):
        return False
    if GIVEAWAY.search(lowered) and TAKE_PART.search(lowered):
        return True
    if FOLLOW.search(lowered) and CHANNEL.search(lowered):
        return True
    return SPONSOR_MARK.search(lowered) is not None
