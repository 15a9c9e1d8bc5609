"""Street addresses in Russian text: street and house found in any order, as comparable keys.

«ул. Ленина, 15», «Ленина 15», «дом 15 по улице Ленина», «На Коммунистической у 44 дома»,
«возле д. 44», «44-й дом», «Садовая, д. 5», «пр-т Мира 3 к1 стр 2 лит А»: the street is
reduced to the lemmas of its name («Коммунистической» -> «коммунистический»), the house to a
compact form («3к1с2а»), so every wording of one address gives one key: «коммунистический 44».
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from nlp.lemmas import Lemmatizer
from nlp.street_types import AFTER_NAME, AFTER_NAME_ABBREVIATED, BEFORE_NAME

MAX_ADDRESS_CHARS = 3_000  # the text's head read for addresses: they are named early
MAX_HOUSE = 999  # a Russian street rarely runs past a few hundred; 0 and 4 digits are noise
_CUE = f"(?:{BEFORE_NAME})"  # a street type before its name (nlp.street_types)
_WORD = r"[А-ЯЁ][а-яё]+(?:-[А-ЯЁа-яё][а-яё]+)?"
_NAME = (
    rf"(?:(?:реки|канала)\s+)?(?:\d{{1,2}}(?:-?(?:го|й|я|е|ой))?\s+{_WORD}|{_WORD}(?:\s+{_WORD})?)"
)
# «Мира 12 в квартирах», «д. 66 в здании»: a lone «в» after a space and before a word is the
# preposition, not the house's letter («Заводская 15 а был перенесён» keeps its «а»)
_NOT_A_WORD = r"(?![а-яё])(?!(?<=\sв)\s+[а-яё])"
_HOUSE_NUMBER = rf"(\d{{1,5}}(?:/\d{{1,3}})?)(?:\s*-?\s*([абвгдежАБВГДЕЖ]){_NOT_A_WORD})?"
_PARTS = (
    r"(?:\s*,?\s*(?:к\.?|корп\.?|корпус)\s*(\d{1,2}))?"
    r"(?:\s*,?\s*(?:с\.|стр\.?|строение)\s*(\d{1,2}))?"
    r"(?:\s*,?\s*(?:литера|лит\.?)\s*([А-Яа-я])(?![а-яё]))?"
)
_HOUSE_CUE = r"(?:д\.|дом[аеу]?|№)"
# «ул. Ленина, д. 15», «улица Ленина 15»
CUED_STREET = re.compile(
    rf"(?<![\w-]){_CUE}\s*(?P<name>{_NAME})"
    rf"(?:\s*,?\s*(?:{_HOUSE_CUE}\s*)?(?<![\d-]){_HOUSE_NUMBER.replace('(', '(?P<h>', 1)}"
    rf"(?![\d\w]|-?(?:х|е|ого|ых|го)\b|\s*(?:год|лет|руб|час|мин|%|км|м\b|человек))"
    rf"{_PARTS})?"
)
# «ул. 50 лет Октября, 12», «50-летия ВЛКСМ 3», «проспект 60-летия Октября»: a street named for an
# anniversary (keyed «50 лет октябрь» in either wording); a house is needed without a type word
_MONTHS = "января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря"
_ABBREVIATION = r"[А-ЯЁ]{2,6}(?![А-ЯЁа-яё])"  # «ВЛКСМ», «СССР»
ANNIVERSARY_WORD = re.compile(r"(\d{1,3})\s*-?\s*(?:лет|лети[яеюи])(?![а-яё])")
ANNIVERSARY = re.compile(
    rf"(?<![\w-])(?P<cue>{_CUE}\s*)?(?P<name>\d{{1,3}}\s*-?\s*(?:лет|лети[яеюи])\s+"
    rf"(?:[А-ЯЁ][а-яё]+(?:ой|ей)\s+{_WORD}|{_WORD}(?:\s+{_ABBREVIATION})?|{_ABBREVIATION}))"
    rf"(?:\s*,?\s*(?:{_HOUSE_CUE}\s*)?(?P<h>\d{{1,3}})(?:\s*-?\s*(?P<l>[абвгдежАБВГДЕЖ]){_NOT_A_WORD})?"
    rf"(?![\d\w]|-\d|\s*(?:год|лет|руб|час|мин|%|км|м\b|человек|"
    rf"{_MONTHS})){_PARTS})?"
)
# «Коммунистическая улица», «на Коммунистической улице»
NAME_THEN_CUE = re.compile(
    rf"(?P<name>(?:\d{{1,2}}-?[йяе]\s+)?{_WORD})\s+(?:{AFTER_NAME})\b"
    rf"(?:\s*,?\s*(?:{_HOUSE_CUE}\s*)?(?P<h>\d{{1,5}})(?![\d\w]|\s*(?:год|лет|руб|час|человек))"
    rf"{_PARTS})?"
)
# «Невский пр., д. 136», «Басков пер. 17», «Песчаная ул.»: an abbreviated type after its name,
# read only with a house or a punctuation mark next («г. Курск ул. Ленина», «Курск ул.50 лет
# Октября», «Невский пр. сегодня» are no street «Курск» or «Невский» here)
NAME_THEN_ABBREVIATION = re.compile(
    rf"(?P<name>(?:\d{{1,2}}-?[йяе]\s+)?{_WORD})\s+(?:{AFTER_NAME_ABBREVIATED})"
    rf"(?:\s*,?\s*(?:{_HOUSE_CUE}\s*|д\s+)?{_HOUSE_NUMBER.replace('(', '(?P<h>', 1)}"
    rf"(?![\d\w]|-[а-яё]|-\d+-|\s*(?:год|лет|руб|час|мин|%|км|м\b|человек|лини)){_PARTS}"
    rf"|(?=\s*(?:[,;:!?()/<]|$)))"
)
# «18-я линия В.О., дом 21», «Кадетская линия, д. 3»: Vasilievsky Island's lines (the word
# «линия» stays in the key: «18 линия 21»)
LINE = re.compile(
    rf"(?<![\w-])(?P<name>(?:\d{{1,2}}-?[яй]|{_WORD})\s+лини[яиеюй])(?:\s*,?\s*В\.\s*О\.)?"
    rf"(?:\s*,?\s*(?:{_HOUSE_CUE}\s*)?(?P<h>\d{{1,5}})(?![\d\w]|\s*(?:год|лет|руб|час|человек))"
    rf"{_PARTS})?"
)
# «у 44 дома», «возле д. 44», «44-й дом», «дом 15 по …», «дома 44»
HOUSE_ONLY = re.compile(
    rf"(?:(?<![\w-]){_HOUSE_CUE}\s*{_HOUSE_NUMBER}{_PARTS}"
    rf"|(?<![\w-])(?P<n>\d{{1,5}})(?:-?(?:й|го|м|ом))?\s+дом(?:а|е|у|ом)?\b)"
)
# «Ленина 15», «на Ленина, 15»: a capitalised word followed by a number
BARE_STREET = re.compile(
    rf"(?<![\w.-])(?P<name>{_WORD})\s*,?\s+(?P<h>\d{{1,3}})(?:\s*[-/]?\s*(?P<l>[абвгдеж]){_NOT_A_WORD})?"
    rf"(?![\d\w.,:]?\d|\s*(?:год|лет|руб|час|мин|%|км|м\b|человек|тыс|января|февраля|марта|"
    rf"апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря))"
)
# «Заставская, д. 33К», «Большая Подьяческая, д. 9», «3я Советская, д 32», «Садовая, дом 5»: a
# bare adjective name (an ordinal or another adjective may lead it), a comma, «д.» and a house
_ADJECTIVE = r"[А-ЯЁ][а-яё]+(?:ая|яя|ый|ий|ой)"
ADJECTIVE_THEN_HOUSE = re.compile(
    rf"(?<![\w.-])(?:(?P<ordinal>\d{{1,2}})\s*-?\s*(?:ая|ый|ий|ой|я|й)?\s+|(?P<first>{_ADJECTIVE})\s+)?"
    rf"(?P<name>{_ADJECTIVE})\s*,\s*(?:д\.|дом|д(?=\s))\s*{_HOUSE_NUMBER}(?!\d){_PARTS}"
)
# its «, д. 33» alone: a text without one is not searched for the name before it (8 µs a text)
_COMMA_THEN_HOUSE = re.compile(r",\s*(?:д\.|дом|д\s)\s*\d")
# «Улица Захарьевская, дом 3»: a capitalised type word may come before such a name
_TYPE_BEFORE = re.compile(rf"(?:{BEFORE_NAME})\Z", re.IGNORECASE)
_CAPITAL_BEFORE = re.compile(r"([А-ЯЁ][а-яё]+)\s+\Z")
# parts of speech that never name a street (pymorphy's tags)
FUNCTION_WORDS = frozenset({"PREP", "CONJ", "PRCL", "INTJ", "NPRO"})
# «на Коммунистической», «по Ломоносова»: a street left unnamed as such after «на» / «по»
PREPOSITION_STREET = re.compile(rf"(?<![\w-])(?:[Нн]а|[Пп]о)\s+(?P<name>{_WORD})")
# «по Кирочной ул.»: a street's type right after the name
STREET_TYPE_NEXT = re.compile(rf"\s*(?:{AFTER_NAME}|{AFTER_NAME_ABBREVIATED})(?![а-яё])")
# «на Лермонтова, 15»: «на»/«по» right before a name
AFTER_PREPOSITION = re.compile(r"(?<![\w-])(?:[Нн]а|[Пп]о)\s+$")
# «д. 103 по Московскому пр.»: «по» right after a lone house, before its street
HOUSE_THEN_PREPOSITION = re.compile(r"\s*,?\s*(?P<prep>[Пп]о)\s+")
# «№7 и №10», «23 до дома 25а», «17, 19»: the words between two houses named together
HOUSES_LISTED = re.compile(r"\s*(?:,|и|или|-|–|—|до|по)\s*(?:дом(?:ом|ами|а|у)?\s*|д\.\s*)?")
# «улица Ленина»: a capitalised name right after a street's type word
NEXT_NAME = re.compile(rf"\s+(?:\d{{1,2}}-?(?:го|й|я|е|ой)?\s+)?{_WORD}")
# «дома №9»: «№» numbers a house only after «дом» («школы №45», «парадной №1» are none)
HOUSE_BEFORE_SIGN = re.compile(r"(?:\bдом[аеу]?|\bд\.)\s*$", re.IGNORECASE)
# titles a street's name puts before a surname: «Маршала Захарова», «Подводника Кузьмина»
TITLES = ("маршал", "адмирал", "генерал", "академик", "герой", "космонавт", "лётчик", "летчик",
          "пилот", "подводник", "пограничник", "танкист", "партизан", "капитан", "профессор",
          "композитор", "писатель", "поэт", "художник", "архитектор", "сержант", "лейтенант",
          "полковник", "матрос")  # fmt: skip
# «метро Чернышевская», «ст. м. Академической», «Петроградский район», «Петроградской стороне»:
# a station's or a district's (adjective) name, no street's when the text names it after «на»/«по»
STATION_OR_DISTRICT = re.compile(
    rf"(?:(?<![\w-])(?:[Мм]етро|[Мм]\.|ст\.\s*м\.?|[Сс]танци[яиюей])\s*«?(?P<station>{_WORD})"
    rf"|(?P<district>[А-ЯЁ][а-яё]+(?:[иыо]й|ая|ого|ой|ом|ому|ую))\s+(?:район|сторон)[а-яё]*)"
)
# «по Бабушкина»: a place name of a surname's shape in the genitive, a street named after a
# person (a town after «на»/«по» takes another case: «на Саратов», «по Саратову»)
SURNAME_ENDINGS = ("ин", "ын", "ов", "ев", "ёв")
_ADJECTIVE_ENDINGS = ("ий", "ый", "ой")
# an adjective's lemma the dictionary gives beside the one street names use («Большая»: «больший»
# and «большой», equally likely)
ADJECTIVE_LEMMAS = {"больший": "большой"}
# words before «на» that take a person, not a place: «похож на Есенина», «жалоба на Иванова»
PERSON_AFTER = ("похож", "жалоб", "жалу", "жалова", "заявлени", "надежд", "надея", "смотр",
                "ссыла", "подписа", "равня", "обид", "злит", "зол")  # fmt: skip


@dataclass(frozen=True, slots=True)
class Address:
    street: str | None  # lemmas of the street's name: «коммунистический», «карла маркс»
    house: str | None  # «44», «15а», «3к1с2»
    span: str
    problem: str | None = None  # why a part was dropped: «impossible house number 0»

    @property
    def key(self) -> str | None:
        """The comparable key: «коммунистический 44», or the street alone; None without one."""
        if self.street is None:
            return None
        return f"{self.street} {self.house}" if self.house else self.street


def town_genitive(word: str, lemma: str) -> bool:
    """«Лермонтова», «Чайковского»: `word` is the genitive of a town named after a person
    (`lemma` «лермонтов», «чайковский»). After «на» / «по» a town takes another case («на
    Лермонтов», «в Лермонтове», «по Лермонтову»), so there it is the street named after
    that person: «Авария на Лермонтова», «по Чайковского не проехать»."""
    word, lemma = word.lower().replace("ё", "е"), lemma.lower().replace("ё", "е")
    if lemma.endswith(SURNAME_ENDINGS):
        return word == f"{lemma}а"
    return lemma.endswith(_ADJECTIVE_ENDINGS) and word == f"{lemma[:-2]}ого"


class AddressParser:
    """Find addresses with one lemmatizer; `is_place` says a word is a town, not a street."""

    def __init__(
        self, lemmatizer: Lemmatizer, is_place: Callable[[str], bool] | None = None
    ) -> None:
        self.lemmatizer = lemmatizer
        self.is_place = is_place or (lambda _lemma: False)

    def parse(self, text: str) -> list[Address]:
        """Every distinct address in the text, in order of appearance."""
        found: list[tuple[int, Address]] = []
        taken: list[tuple[int, int]] = []
        for start, stop, address in self._cued(text):
            found.append((start, address))
            taken.append((start, stop))
        houses = [h for h in self._houses(text) if not _inside(h[0], h[1], taken)]
        bare = [b for b in self._bare(text) if not _inside(b[0], b[1], taken)]
        for start, stop, address in bare:
            found.append((start, address))
            taken.append((start, stop))
        houses = [h for h in houses if not _inside(h[0], h[1], taken)]
        prepositional = self._prepositional(text)
        found = self._attach_houses(text, found, houses, prepositional)
        # «на Юбилейной нет воды»: a street named after a preposition, without a house
        for start, stop, address in prepositional:
            if not _inside(start, stop, taken):
                found.append((start, address))
        out: list[Address] = []
        for _, address in sorted(found, key=lambda item: item[0]):
            if address.street is not None and all(a.key != address.key for a in out):
                out.append(address)
        return _drop_bare_streets_of_named(out)

    def keys(self, text: str) -> list[str]:
        return [a.key for a in self.parse(text) if a.key is not None]

    def _cued(self, text: str) -> list[tuple[int, int, Address]]:
        out = []
        for match in ANNIVERSARY.finditer(text) if "лет" in text else ():  # 2 µs a text saved
            if match.group("cue") is None and match.group("h") is None:
                continue  # «за 30 лет Советской власти»: no street without a type or a house
            street = self.street_key(match.group("name"))
            house, problem = _house(match.group("h"), match.group("l"), *match.groups()[4:7])
            out.append((match.start(), match.end(), Address(street, house, match.group(0).strip(),
                                                            problem)))  # fmt: skip
        for match in CUED_STREET.finditer(text):
            if any(s <= match.start() < e for s, e, _ in out):
                continue
            street = self.street_key(match.group("name"))
            house, problem = _house(match.group("h"), match.group(3), *match.groups()[3:6])
            out.append((match.start(), match.end(), Address(street, house, match.group(0).strip(),
                                                            problem)))  # fmt: skip
        for match in LINE.finditer(text):
            if any(s <= match.start() < e for s, e, _ in out):
                continue
            street = self.street_key(match.group("name"))
            house, problem = _house(match.group("h"), None, *match.groups()[2:5])
            out.append((match.start(), match.end(), Address(street, house, match.group(0),
                                                            problem)))  # fmt: skip
        for match in NAME_THEN_CUE.finditer(text):
            if any(s <= match.start() < e for s, e, _ in out) or self._pronoun_or_particle(
                match.group("name")
            ):
                continue
            if match.group("h") is None and self._type_of_next_street(text, match):
                continue
            street = self.street_key(match.group("name"))
            house, problem = _house(match.group("h"), None, *match.groups()[2:5])
            if street is not None:
                out.append((match.start(), match.end(), Address(street, house, match.group(0),
                                                                problem)))  # fmt: skip
        for match in NAME_THEN_ABBREVIATION.finditer(text):
            if any(s <= match.start() < e for s, e, _ in out) or self._pronoun_or_particle(
                match.group("name")
            ):
                continue
            street = self.street_key(match.group("name"))
            house, problem = _house(match.group("h"), match.group(3), *match.groups()[3:6])
            if street is not None:
                out.append((match.start(), match.end(), Address(street, house, match.group(0),
                                                                problem)))  # fmt: skip
        return out

    def _type_of_next_street(self, text: str, match: re.Match[str]) -> bool:
        """«г. Пермь улица Ленина», «Угол улицы Гашека»: a type word with a name after it
        types that name; the word before it is its street's name only as an adjective
        («Глухарской улицы Авиаконструкторов 44» names two streets)."""
        if not NEXT_NAME.match(text, match.end()):
            return False
        parses = self.lemmatizer.parses(match.group("name").split()[-1].lower())
        return not parses or parses[0].tag.POS not in {"ADJF", "PRTF"}

    def _bare(self, text: str) -> list[tuple[int, int, Address]]:
        out = []
        for match in BARE_STREET.finditer(text):
            name = match.group("name")
            # a name opening quotes is read as at a sentence's start: «ТСЖ "Советская, 18"» is
            # the house's, «"Столовая 41"», «ООО "Жилкомсервис 2"» are firms
            start = match.start()
            opening = _sentence_start(text, start) or (start > 0 and text[start - 1] in '"«')
            preposition = AFTER_PREPOSITION.search(text, max(0, start - 4), start) is not None
            if not self._street_like(name, sentence_start=opening, after_preposition=preposition):
                continue
            before = _CAPITAL_BEFORE.search(text, max(0, start - 40), start)
            if (
                before
                and not _sentence_start(text, before.start())
                and self._feminine_adjective(before.group(1))
            ):
                # «на Большой Морской 5», «Красной Армии 5»: the adjective is the name's too
                name, start = f"{before.group(1)} {name}", before.start()
            house, problem = _house(match.group("h"), match.group("l"))
            street = self.street_key(name)
            if house is not None and street is not None:
                out.append((start, match.end(), Address(street, house, text[start : match.end()],
                                                        problem)))  # fmt: skip
        adjectives = ADJECTIVE_THEN_HOUSE.finditer(text) if _COMMA_THEN_HOUSE.search(text) else ()
        for match in adjectives:
            address = self._adjective_then_house(text, match)
            if address is not None:
                out.append((match.start(), match.end(), address))
        return out

    def _adjective_then_house(self, text: str, match: re.Match[str]) -> Address | None:
        """«Заставская, д. 33К», «Большая Подьяческая, д. 9»: the street, unless its name is
        no adjective of a street (`_adjective_name`), or a capitalised word other than a
        street's type comes right before it («Переулок Ульяны Громовой, д. 8»: a surname)."""
        name, first, ordinal = match.group("name"), match.group("first"), match.group("ordinal")
        if not self._adjective_name(name):
            return None
        if first is not None and not self._adjective_name(first):
            return None
        before = _CAPITAL_BEFORE.search(text, 0, match.start())
        if before and not _TYPE_BEFORE.match(before.group(1)):
            return None
        words = " ".join(w for w in (ordinal, first, name) if w)
        house, problem = _house(*match.groups()[3:8])
        return Address(self.street_key(words), house, match.group(0), problem)

    def _adjective_name(self, name: str) -> bool:
        """«Заставская», «Садовая», «Невский»: a street's name in the nominative of an
        adjective (feminine for «улица», masculine for «проспект», «переулок»), or a surname of
        that shape the dictionary guesses for an unknown word; not a pronoun («Такой»), a first
        name, nor a town («Октябрьский»)."""
        if self.is_place(self.lemmatizer.lemma(name)):
            return False
        parses = self.lemmatizer.parses(name.lower())
        if not parses or any({"Name", "Patr", "Apro"} & p.tag.grammemes for p in parses):
            return False
        return any(
            p.tag.case == "nomn" and p.tag.number == "sing" and p.tag.gender in {"femn", "masc"}
            and (p.tag.POS == "ADJF" or "Surn" in p.tag)
            for p in parses
        )  # fmt: skip

    def _houses(self, text: str) -> list[tuple[int, int, str | None, str | None]]:
        out = []
        for match in HOUSE_ONLY.finditer(text):
            number = match.group(1) or match.group("n")
            house, problem = _house(number, match.group(2), *match.groups()[2:5])
            out.append((match.start(), match.end(), house, problem))
        return out

    def _attach_houses(
        self,
        text: str,
        found: list[tuple[int, Address]],
        houses: list[tuple[int, int, str | None, str | None]],
        prepositional: list[tuple[int, int, Address]],
    ) -> list[tuple[int, Address]]:
        """A lone «у 44 дома» joins the street named without a house, or the street named
        after «на»/«по» («На Коммунистической … у 44 дома», «дома 21 по Блюхера»); a house
        right before «по» and a street is that street's («д. 33 (у д. 103 по Московскому
        пр.)»); one street named twice is one street («Южный переулок … по Южному переулку»)."""
        if not houses:
            return found
        without_house = [(s, a) for s, a in found if a.house is None]
        if not without_house:
            without_house = [(s, a) for s, _, a in prepositional]
            houses = _numbered_after_house_word(text, houses)
        if not houses:
            return found
        streets = {a.street for _, a in without_house}
        owned = [(h, s, a) for h in houses for s, a in without_house if _names_house_of(text, h, s)]
        if owned and (len(streets) > 1 or not _listed_with(text, houses[0], owned[0][0])):
            # «д. 33 (рядом с д. 103 по Московскому пр.)»: a house before «по» and a street is
            # that street's, unless the first house is listed with it («домов №7 и №10 по …»)
            (_, _, house, problem), start, street = owned[0]
        elif len(without_house) == 1:
            start, street = without_house[0]
            _, _, house, problem = houses[0]
        elif len(streets) == 1 and (numbered := _numbered_after_house_word(text, houses)):
            # «Южный переулок, у дома №15 … по Южному переулку»: one street named twice
            start, street = without_house[0]
            _, _, house, problem = numbered[0]
        else:
            return found  # none, or several streets: which one the house is on is unknown
        joined = Address(street.street, house, street.span, problem or street.problem)
        return [(s, a) for s, a in found if a is not street] + [(start, joined)]

    def _prepositional(self, text: str) -> list[tuple[int, int, Address]]:
        """Streets named after «на»/«по» without a type: «на Юбилейной», «по Ломоносова»."""
        out = []
        stations: set[str] | None = None
        for match in PREPOSITION_STREET.finditer(text):
            name = self._street_after_preposition(text, match)
            if name is not None:
                if stations is None:
                    stations = self._stations_and_districts(text)
                if self.lemmatizer.lemma(name.split()[0]) in stations:
                    continue  # «у метро Чернышевская … почти на Чернышевской»
                stop = match.start("name") + len(name)
                address = Address(self.street_key(name), None, text[match.start() : stop])
                out.append((match.start(), stop, address))
        return out

    def _stations_and_districts(self, text: str) -> set[str]:
        """The lemmas of names the text gives a metro station or a district: «метро
        Чернышевская», «ст. м. Академическая», «Петроградский район», «Петроградская сторона»."""
        return {
            self.lemmatizer.lemma(match.group("station") or match.group("district"))
            for match in STATION_OR_DISTRICT.finditer(text)
        }

    def _street_after_preposition(self, text: str, match: re.Match[str]) -> str | None:
        """The street's name after «на»/«по»: a feminine adjective not another noun's
        («на Юбилейной нет воды», not «по Пермской области», «на Масленичной неделе»), or a
        surname or a noun in the genitive («на Ломоносова», «на Пятилетки»); never a town (a
        feminine adjective is no masculine town's form: «по Октябрьской» is no «Октябрьский»)."""
        name = match.group("name")
        lemma = self.lemmatizer.lemma(name)
        if re.search(r"-[А-ЯЁ]", name) or (
            self.is_place(lemma)
            and not self._feminine_adjective(name)
            and not town_genitive(name, lemma)
        ):
            return None  # «на Перми», «на Джилы-Су»; «на Лермонтова» is a street
        named = self._named_after_person(text, match)
        if named is not None:
            return named
        if not self._feminine_adjective(name):
            return name if self._street_noun(text, match) else None
        rest = text[match.end() :]
        second = re.match(rf"\s+({_WORD})", rest)
        if second and self._feminine_adjective(second.group(1)):
            name, rest = f"{name} {second.group(1)}", rest[second.end() :]  # «на Малой Балканской»
        if STREET_TYPE_NEXT.match(rest):
            return name  # «по Кирочной ул. со стороны двора»
        following = re.match(r"\s*([А-ЯЁа-яё]+)", rest)
        if following and self._agrees(following.group(1)):
            return None  # «по Российской Федерации», «на Красной Поляне»
        return name

    def _street_noun(self, text: str, match: re.Match[str]) -> bool:
        """«на Ломоносова», «по Пятилетки», «на Энтузиастов»: a surname or a noun in the
        genitive, a street's name with its type left out; not a person («похож на Есенина»,
        «на Иванова И. И.», «на Сергея»), nor a country («по России»)."""
        parses = self.lemmatizer.parses(match.group("name").lower())
        if not parses:
            return False
        tag = parses[0].tag
        if tag.POS != "NOUN" or tag.case != "gent" or {"Name", "Patr"} & tag.grammemes:
            return False
        surname_shaped = parses[0].normal_form.endswith(SURNAME_ENDINGS)  # «на Бабушкина»
        if (
            "Geox" in tag
            and not surname_shaped
            and not any(
                "Surn" in p.tag and p.tag.case == "gent" and p.normal_form == parses[0].normal_form
                for p in parses
            )
        ):
            return False  # «по России»; «на Курчатова», «по Бабушкина» are streets as well
        if "anim" in tag and "Surn" not in tag and "plur" not in tag:
            return False  # «собаки на Ребенка бросились»; «на Энтузиастов» is a street
        before = re.findall(r"[а-яё]+", text[max(0, match.start() - 30) : match.start()].lower())
        if before and before[-1].startswith(PERSON_AFTER):
            return False  # «похож на Есенина», «жалоба на Иванова»
        following = re.match(r"\s*([А-ЯЁа-яё]+|[А-ЯЁ]\.)", text[match.end() :])
        return following is None or not following.group(1)[:1].isupper()  # «на Иванова И.»

    def _named_after_person(self, text: str, match: re.Match[str]) -> str | None:
        """«на Маршала Захарова», «по Ивана Фомина», «по Марата»: a title or a
        first name, then a surname, as streets are named; a first name alone after «по» (a
        person there takes the dative: «по Сергею»). Never
        after a word that takes a person («жалоба на Сергея Иванова»)."""
        name = match.group("name")
        parses = self.lemmatizer.parses(name.lower())
        if not parses or parses[0].tag.case != "gent" or parses[0].tag.POS != "NOUN":
            return None
        first_name = "Name" in parses[0].tag
        if not first_name and not parses[0].normal_form.startswith(TITLES):
            return None
        before = re.findall(r"[а-яё]+", text[max(0, match.start() - 30) : match.start()].lower())
        if before and before[-1].startswith(PERSON_AFTER):
            return None
        second = re.match(rf"\s+({_WORD})(?!\w)", text[match.end() :])
        if second and self._surname_in_genitive(second.group(1)):
            return f"{name} {second.group(1)}"
        if not first_name:
            return None
        # a first name alone only after «по» (a person there takes the dative: «по Сергею»);
        # after «на» it is a person as often («подал в суд на Сергея.»)
        return name if match.group(0)[:1] in "Пп" else None

    def _surname_in_genitive(self, word: str) -> bool:
        """«Захарова», «Горького», «Берггольц»: a surname, an adjective or an unknown word
        in the genitive (or one that does not decline)."""
        parses = self.lemmatizer.parses(word.lower())
        return any(
            (p.tag.case == "gent" and ("Surn" in p.tag or p.tag.POS == "ADJF")) or "Fixd" in p.tag
            for p in parses
        ) or not any(p.tag.POS for p in parses)

    def _feminine_adjective(self, word: str) -> bool:
        """«Юбилейной», and «Литейной», «Луговой», «Набережной», which the dictionary reads
        first as a noun or a masculine adjective: a feminine singular adjective by any parse,
        no surname's («Толстой»)."""
        parses = self.lemmatizer.parses(word.lower())
        if not parses or {"Surn", "Name", "Patr"} & parses[0].tag.grammemes:
            return False
        if parses[0].tag.POS == "ADJF" and "femn" in parses[0].tag:
            return True
        return any(
            p.tag.POS == "ADJF" and "femn" in p.tag and "sing" in p.tag
            and not {"Abbr", "Fixd"} & p.tag.grammemes and self.lemmatizer.from_dictionary(p)
            for p in parses
        )  # fmt: skip

    def _agrees(self, word: str) -> bool:
        """A feminine singular noun or adjective in an oblique case: the adjective before it
        is its own, no street's name."""
        return any(
            p.tag.POS in {"NOUN", "ADJF", "PRTF"} and "femn" in p.tag and "sing" in p.tag
            and p.tag.case in {"gent", "datv", "loct", "accs", "ablt"}
            for p in self.lemmatizer.parses(word.lower())
        )  # fmt: skip

    def _street_like(self, name: str, *, sentence_start: bool, after_preposition: bool) -> bool:
        """A bare capitalised word before a number is a street when it is a surname, a
        feminine adjective, or a noun in the genitive («Мира») not starting a sentence; never
        a town, unless it is a town's genitive after «на»/«по» («на Лермонтова, 15»)."""
        lemma = self.lemmatizer.lemma(name)
        if self.is_place(lemma) and not (after_preposition and town_genitive(name, lemma)):
            return False
        parses = self.lemmatizer.parses(name.lower())
        if not parses:
            return False
        tag = parses[0].tag
        if "Surn" in tag or "Name" in tag or (tag.POS == "ADJF" and "femn" in tag):
            return True  # «Ленина 15», «Шоссейная 5»
        if not sentence_start and self._feminine_adjective(name):
            return True  # «по Межевой 3», «парадная Тверская 20» («Выходной, 7 утра» starts one)
        return not sentence_start and tag.POS == "NOUN" and "gent" in tag  # «Мира 3»

    def _pronoun_or_particle(self, name: str) -> bool:
        """«На улице», «По улице», «Наша улица», «Эта улица»: a capitalised word before a
        street's type that is a preposition, a pronoun or a particle is no street's name."""
        parses = self.lemmatizer.parses(name.split()[-1].lower())
        if not parses:
            return False
        tag = parses[0].tag
        return tag.POS in FUNCTION_WORDS or "Apro" in tag

    def street_key(self, name: str) -> str | None:
        name = ANNIVERSARY_WORD.sub(r"\1 лет", name.replace("ё", "е"))  # «50-летия» -> «50 лет»
        parts = [p for p in re.split(r"\s+", name) if p]
        lemmas = [
            p.lower() if p[:1].isdigit() or p == "лет" else self.street_word(p.strip("."))
            for p in parts
        ]
        return " ".join(re.sub(r"-(?:го|й|я|е|ой)$", "", lemma) for lemma in lemmas) or None

    def street_word(self, word: str) -> str:
        """One word of a street's name, the same in every case: an adjective's lemma
        whenever the word can be one («Тверская», «на Тверской» -> «тверской», where the
        dictionary reads the nominative as a town; «Литейной», «Набережной» -> «литейный»,
        «набережный»; «Большая», «Большой» -> «большой»), unless it can be a surname or a
        first name («Толстого» -> «толстой», «Горького» -> «горький»)."""
        lemma = self.lemmatizer.lemma(word)
        parses = self.lemmatizer.parses(word.lower().replace("ё", "е"))
        if any({"Surn", "Name", "Patr"} & p.tag.grammemes for p in parses):
            return lemma
        scores: dict[str, float] = {}
        for p in parses:
            if p.tag.POS == "ADJF" and "Poss" not in p.tag:
                normal = p.normal_form.replace("ё", "е")
                normal = ADJECTIVE_LEMMAS.get(normal, normal)
                scores[normal] = scores.get(normal, 0.0) + p.score
        lemma = ADJECTIVE_LEMMAS.get(lemma, lemma)
        if not scores or lemma in scores:
            return lemma  # «Садовой» -> «садовый»; «Заводская» stays «заводский», not «заводской»
        return max(scores.items(), key=lambda item: (item[1], item[0]))[0]


def _house(
    number: str | None,
    letter: str | None = None,
    block: str | None = None,
    building: str | None = None,
    liter: str | None = None,
) -> tuple[str | None, str | None]:
    """The compact house («15а», «3к1с2»), or None with the reason it was refused."""
    if number is None:
        return None, None
    value = int(number.split("/")[0])
    if value == 0 or value > MAX_HOUSE:
        return None, f"impossible house number {number}"
    house = number.lstrip("0") + (letter or "").lower()
    house += f"к{int(block)}" if block else ""
    house += f"с{int(building)}" if building else ""
    house += f"лит{liter.lower()}" if liter else ""
    return house, None


def _inside(start: int, stop: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < e and stop > s for s, e in spans)


def _numbered_after_house_word(
    text: str, houses: list[tuple[int, int, str | None, str | None]]
) -> list[tuple[int, int, str | None, str | None]]:
    """The lone houses but those numbered with «№» after no «дом» («школы №45», «приказ №8»)."""
    return [h for h in houses if text[h[0]] != "№" or HOUSE_BEFORE_SIGN.search(text[: h[0]])]


def _names_house_of(text: str, house: tuple[int, int, str | None, str | None], start: int) -> bool:
    """«дома 21 по Блюхера», «д. 103 по Московскому пр.»: the house is followed by «по» and
    the street that starts at `start` (the «по» itself for a street read after it)."""
    after = HOUSE_THEN_PREPOSITION.match(text, house[1])
    return after is not None and start in {after.start("prep"), after.end()}


def _listed_with(
    text: str,
    first: tuple[int, int, str | None, str | None],
    other: tuple[int, int, str | None, str | None],
) -> bool:
    """«домов №7 и №10», «от дома 23 до дома 25а»: two other houses named together, of one
    street."""
    return first is not other and bool(HOUSES_LISTED.fullmatch(text, first[1], other[0]))


def _sentence_start(text: str, position: int) -> bool:
    before = text[:position].rstrip()
    return not before or before[-1] in ".!?\n"


def _drop_bare_streets_of_named(addresses: list[Address]) -> list[Address]:
    """«ул. Ленина» and «Ленина 5» in one text are one address: keep the one with a house."""
    with_house = {a.street for a in addresses if a.house}
    return [a for a in addresses if a.house or a.street not in with_house]
