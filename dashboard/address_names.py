"""An address read from a post, written for a person: «ул. Ленина, д. 14», not its key.

An annotation keeps each address as the key grouping compares («ленин 14»: lemmas, lower
case) and the words the post used for it (its span: «улица Ленина 14», «на Юбилейной 25»).
A moderator reads the span's own name words («Ленина», not the lemma «ленин»), an adjective
put back in the nominative («Юбилейной» -> «Юбилейная»), the street's type abbreviated
(«ул.», «пр-т»; «ул.» when the post named none) and the house from the key («д. 12в»).
"""

import re

from nlp.street_types import STREET_TYPES, Gender

# A street type's word forms (lower case, a final dot dropped) -> its abbreviation, gender.
READ_TYPES: tuple[tuple[re.Pattern[str], str, Gender], ...] = tuple(
    (re.compile("|".join(t.read)), t.abbreviation, t.gender) for t in STREET_TYPES
)
# «50-летия» in a span: one word for the key's two («50 лет»)
ANNIVERSARY = re.compile(r"\d{1,3}-?лети[яеюи]")
# Words of a span that are neither the street's type nor its name.
OTHER_WORDS = re.compile(r"д|дом[аеу]?|№|к|корп|корпус|с|стр|строение|лит|литера|на|по|у|возле")
WORD = re.compile(r"№|[0-9А-ЯЁа-яё]+(?:-[0-9А-ЯЁа-яё]+)*\.?")
ADJECTIVE_LEMMA = re.compile(r"\w{2,}(?:ый|ий|ой)")
# The endings an adjective name takes in a span, by the street type's gender: «Юбилейной»,
# «Уральскую» (a street); «Комсомольском» (a prospect); «Пермского» (a highway).
ADJECTIVE_FORMS = {
    Gender.FEMININE: re.compile(r"\w+(?:ая|яя|ой|ей|ую|юю)"),
    Gender.MASCULINE: re.compile(r"\w+(?:ый|ий|ой|ого|его|ому|ему|ом|ем|ым|им)"),
    Gender.NEUTER: re.compile(r"\w+(?:ое|ее|ого|его|ому|ему|ом|ем|ым|им)"),
}


def human_address(key: str, span: str | None = None) -> str:
    """«ленин 14», «улица Ленина 14» -> «ул. Ленина, д. 14»; a span with no name word in it
    as written («На улице»); without a span, the key's words as a street's name
    («коммунистический 44» -> «ул. Коммунистическая, д. 44»)."""
    street, house = split_key(key)
    if not street:  # a blank key: nothing to write as a street
        return " ".join((span or "").split()) or "не найден"
    kind, gender, names = _read_span(span or "", street)
    if span and len(names) != len(street):
        return " ".join(span.split()).strip(" ,.;:")  # no name to read in it: as written
    if len(names) != len(street):
        names = [_first_word_from_lemma(lemma) for lemma in street[:-1]]
        names.append(_name_from_lemma(street[-1]))
    elif "лет" not in street:
        names = [_name(word, lemma, gender) for word, lemma in zip(names, street, strict=True)]
    # else «50 лет Октябрьской Революции»: the words after «лет» are genitive, kept as written
    if street[-1] == "линия":  # «18-я линия В.О.»: the type is in the name
        kind, names[-1] = "", "линия"
    shown = f"{kind} {' '.join(n for n in names if n)}".strip()
    return f"{shown}, д. {house}" if house else shown


def split_key(key: str) -> tuple[list[str], str | None]:
    """«карла маркс 12а» -> (["карла", "маркс"], "12а"); «25 октябрь» -> (["25", "октябрь"],
    None): the house is the last word when it starts with a figure and a street is before it."""
    words = key.split()
    if len(words) > 1 and words[-1][:1].isdigit():
        return words[:-1], words[-1]
    return words, None


def _read_span(span: str, street: list[str]) -> tuple[str, Gender, list[str]]:
    """The street's type (abbreviated), its gender and the name words, one per `street`
    lemma. A type word is the name's when the key holds it («на Набережной 3», key
    «набережный 3»: a street named Набережная, not an embankment with no name)."""
    kind, gender, names = "ул.", Gender.FEMININE, []
    typed = False
    for word in WORD.findall(span):
        bare = word.lower().rstrip(".")
        street_type = next((t for t in READ_TYPES if t[0].fullmatch(bare)), None)
        if street_type and len(names) < len(street) and _same_stem(bare, street[len(names)]):
            street_type = None
        if street_type is not None and not typed:
            kind, gender, typed = street_type[1], street_type[2], True
        elif street_type is None and not OTHER_WORDS.fullmatch(bare) and len(names) < len(street):
            names.append(word.rstrip("."))
            if ANNIVERSARY.fullmatch(bare) and street[len(names) : len(names) + 1] == ["лет"]:
                names.append("")  # «50-летия» is the key's «50 лет»: two words written as one
    return kind, gender, names


def _same_stem(word: str, lemma: str) -> bool:
    """«набережной», «набережный»: the word is a form of the lemma (no figure in either)."""
    stem = min(len(lemma), len(word)) - 2
    return stem >= 4 and word[:1].isalpha() and word[:stem] == lemma.replace("ё", "е")[:stem]


def _name(word: str, lemma: str, gender: Gender) -> str:
    """A name word as the post wrote it, an adjective in its nominative: «Юбилейной» ->
    «Юбилейная», «Комсомольском» (проспекте) -> «Комсомольский»; «Ленина» stays."""
    if word.lower() in ("реки", "канала", "лет"):  # «наб. реки Мойки», «ул. 50 лет Октября»
        return word.lower()
    if not ADJECTIVE_LEMMA.fullmatch(lemma) or not ADJECTIVE_FORMS[gender].fullmatch(word):
        return _capital(word)
    return _with_letters_of(word, _adjective(lemma, gender))


def _adjective(lemma: str, gender: Gender) -> str:
    """The nominative of an adjective's lemma: «уральский» -> «уральская», «синий» ->
    «синяя» (feminine), «пермское» (neuter), the lemma itself (masculine)."""
    if gender is Gender.MASCULINE:
        return lemma
    soft = lemma.endswith("ний")
    if gender is Gender.NEUTER:
        return lemma[:-2] + ("ее" if soft else "ое")
    return lemma[:-2] + ("яя" if soft else "ая")


def _with_letters_of(word: str, form: str) -> str:
    """`form` with the capitals and «ё» of `word` where their stems agree («Молодёжной»,
    «молодежная» -> «Молодёжная»)."""
    same = 0
    for written, wanted in zip(word.lower().replace("ё", "е"), form, strict=False):
        if written != wanted:
            break
        same += 1
    return _capital(word[:same] + form[same:])


def _first_word_from_lemma(lemma: str) -> str:
    """A key's word before its last with no span to read: an adjective in the feminine
    («малый подьяческий» -> «Малая Подьяческая»), any other word capitalised («карла»)."""
    if ADJECTIVE_LEMMA.fullmatch(lemma):
        return _capital(_adjective(lemma, Gender.FEMININE))
    return lemma if lemma == "лет" else _capital(lemma)  # «50 лет Октября»


def _name_from_lemma(lemma: str) -> str:
    """A key's last word with no span to read: an adjective as a street's name
    («коммунистический» -> «Коммунистическая»), a noun in the genitive a street's name
    mostly takes («ленин» -> «Ленина», «гоголь» -> «Гоголя», «победа» -> «Победы»: a guess,
    for the annotations made before the spans were kept), a surname's genitive the lemmatizer
    took for a feminine name as it is («бруснева» -> «Бруснева»); a figure as it is («25»)."""
    if lemma[:1].isdigit():
        return lemma
    if ADJECTIVE_LEMMA.fullmatch(lemma):
        name = _adjective(lemma, Gender.FEMININE)
    elif lemma.endswith(("ь", "й")):
        name = lemma[:-1] + "я"
    elif lemma.endswith(("ова", "ева", "ёва")):  # «бруснева»: a surname, already genitive
        name = lemma
    elif lemma.endswith("я"):
        name = lemma[:-1] + "и"
    elif lemma.endswith("а"):
        name = lemma[:-1] + ("и" if lemma[-2:-1] in "гкхжчшщ" else "ы")
    elif lemma[-1:] in "бвгджзклмнпрстфхцчшщ":
        name = lemma + "а"
    else:
        name = lemma
    return _capital(name)


def _capital(word: str) -> str:
    return word[:1].upper() + word[1:]
