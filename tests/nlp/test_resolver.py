import difflib

import pytest
from threadpoolctl import threadpool_info

from nlp.gazetteer import Gazetteer
from nlp.lemmas import Lemmatizer
from nlp.ner import LocationTagger
from nlp.resolver import FUZZY_CUTOFF, MAX_RESOLVE_CHARS, MunicipalityResolver
from nlp.text import clean_text, words
from tests.nlp.conftest import municipality_id

CASES = [
    # cases and declensions of town names
    ("в Краснокамске прорвало трубу", "Краснокамский городской округ", "Краснокамске"),
    ("из Березников пишут о ямах", "Березниковский городской округ", "Березников"),
    ("Пермь, Мотовилихинский район, нет воды", "Пермский городской округ", "Пермь"),
    ("жители Лысьвы жалуются на мусор", "Лысьвенский городской округ", "Лысьвы"),
    ("под Кунгуром разбита дорога", "Кунгурский муниципальный округ", "Кунгуром"),
    ("в Чусовом нет отопления", "Чусовской городской округ", "Чусовом"),
    ("Соликамск: остановки не чистят", "Соликамский городской округ", "Соликамск"),
    # adjectival forms with a type word
    ("Чусовской округ без света", "Чусовской городской округ", "Чусовской округ"),
    ("в Пермском районе не ходит автобус", "Пермский муниципальный округ", "Пермском районе"),
    (
        "администрация Добрянского городского округа молчит",
        "Добрянский городской округ",
        "Добрянского городского округа",
    ),
    ("Кудымкарский МО, свалка у дороги", "Кудымкарский муниципальный округ", "Кудымкарский МО"),
    # settlements inside a municipality
    ("в Полазне прорвало трубу", "Добрянский городской округ", "Полазне"),
    ("пос. Ергач без воды", "Кунгурский муниципальный округ", "Ергач"),
    ("в Кондратово нет остановки", "Пермский муниципальный округ", "Кондратово"),
    # ambiguous names: a town that is also a common word or a surname
    ("в городе Оса нет воды", "Осинский городской округ", "Оса"),
    ("в Чайковском отключили свет", "Чайковский городской округ", "Чайковском"),
    ("из Чайковского пишут о ямах", "Чайковский городской округ", "Чайковского"),
    # typos and transliteration
    ("в Краснокамкске яма", "Краснокамский городской округ", "Краснокамкске"),
    ("Solikamsk: нет света", "Соликамский городской округ", "Соликамск"),
    # a street's type word after a comma starts the address: the town is still the town
    ("в Перми, улица Ленина 5 — яма во дворе", "Пермский городской округ", "Перми"),
    # lowercase, as people write in comments
    ("в перми опять ямы", "Пермский городской округ", "перми"),
]


@pytest.mark.parametrize(("text", "expected", "span"), CASES)
def test_resolves_municipality(
    resolver: MunicipalityResolver, text: str, expected: str, span: str
) -> None:
    result = resolver.resolve(text)
    assert result.municipality_name == expected
    assert result.span == span
    assert 0.5 <= result.confidence <= 1.0


NO_PLACE = [
    "нет горячей воды третий день",
    "оса укусила ребёнка на площадке",
    "на ул. Чайковского огромная яма",
    # a town named after a person, in the genitive after «на»/«по»: its street
    "на Чайковского огромная яма",
    "по Чайковского, 3 нет света",
    # a town's adjective before a street's type noun names a street («Александровск», «Пермь»)
    "собаки бегают на Александровской площади",
    "на Пермской улице третий день яма",
    "Соликамское шоссе всё в ямах",
    "Пермский край получит деньги на дороги",
    # a word the dictionary knows is no misspelt town: not Чайковский
    "🔥 В Очаковских банях в Москве оказались заблокированы четверо взрослых",
    "",
    "😀😀😀",
    "Привет, как дела?",
]


@pytest.mark.parametrize("text", NO_PLACE)
def test_unknown_rather_than_a_guess(resolver: MunicipalityResolver, text: str) -> None:
    result = resolver.resolve(text)
    assert result.municipality_id is None
    assert result.method == "unknown"
    assert result.confidence == 0.0


def test_source_prior_fills_in_and_confirms(
    resolver: MunicipalityResolver, gazetteer: Gazetteer
) -> None:
    lysva = municipality_id(gazetteer, "Лысьвенский городской округ")
    alone = resolver.resolve("нет горячей воды", prior_id=lysva)
    assert (alone.municipality_id, alone.method, alone.span) == (lysva, "source", None)
    assert alone.confidence < 0.9
    confirmed = resolver.resolve("в Лысьве нет горячей воды", prior_id=lysva)
    assert confirmed.confidence >= 0.97
    other = resolver.resolve("в Краснокамске нет воды", prior_id=lysva)
    assert other.municipality_name == "Краснокамский городской округ"


def test_two_places_are_no_answer_but_candidates(resolver: MunicipalityResolver) -> None:
    """Precision first (issue 14): which of two towns a post is about is not guessed."""
    two = resolver.resolve("в Лысьве нет воды, в Кунгуре тоже")
    assert two.municipality_name is None
    assert two.why == (
        "several places named: Кунгурский муниципальный округ, Лысьвенский городской округ"
    )


def test_ner_finds_a_misspelt_place_after_an_address_cue(resolver: MunicipalityResolver) -> None:
    result = resolver.resolve("г. Соликаммск, ул. Северная, д. 5 — затопило подвал")
    assert result.municipality_name == "Соликамский городской округ"


def test_huge_text_resolves_quickly(resolver: MunicipalityResolver) -> None:
    result = resolver.resolve("в Перми " + "яма " * 250_000)
    assert result.municipality_name == "Пермский городской округ"


FUZZY_WORDS = ["краснокамкск", "соликаммск", "полазна", "кунгурр", "яма", "пермь", "здравствуйте"]


@pytest.mark.parametrize("word", FUZZY_WORDS)
def test_closest_name_is_difflibs_over_every_name(gazetteer: Gazetteer, word: str) -> None:
    names = gazetteer.single_word_names
    expected = difflib.get_close_matches(word, names, n=1, cutoff=FUZZY_CUTOFF)
    found = gazetteer.closest_name(word, FUZZY_CUTOFF)
    assert found == (names[expected[0]] if expected else None)


def test_closest_name_sees_names_added_later(lemmatizer: Lemmatizer) -> None:
    gazetteer = Gazetteer(lemmatizer, {1: "Тестовый округ", 2: "Другой округ"})
    gazetteer.add(1, "settlement", "Заозерье")
    assert gazetteer.closest_name("заозерьи", FUZZY_CUTOFF) is not None
    assert gazetteer.closest_name("белогорка", FUZZY_CUTOFF) is None
    gazetteer.add(2, "settlement", "Белогорка")
    found = gazetteer.closest_name("белогорка", FUZZY_CUTOFF)
    assert found is not None and found.municipality_id == 2


def test_ner_leaves_blas_threads_as_it_found_them(tagger: LocationTagger) -> None:
    before = [pool["num_threads"] for pool in threadpool_info()]
    assert tagger.locations("Сломана лавка в деревне Ивановка Пермского края")
    assert [pool["num_threads"] for pool in threadpool_info()] == before


@pytest.mark.parametrize(
    ("text", "municipality", "why"),
    [
        ("Автобус Пермь — Краснокамск опять не пришёл", None, "named only as a reference"),
        ("Приехал из Перми в Краснокамск, а тут яма", "Краснокамский городской округ", "gazetteer"),
        ("ул. Перми 4 прорвало трубу", None, "no place named"),
        ("В Перми и в Березниках нет горячей воды", None, "several places named"),
        (
            "в городе Березники нет воды, в Перми есть",
            "Березниковский городской округ",
            "gazetteer",
        ),
        ("Vchera v Solikamske i v Permi ne bylo sveta", None, "no place named"),
    ],
)
def test_precision_first_abstains_with_its_reason(
    resolver: MunicipalityResolver, text: str, municipality: str | None, why: str
) -> None:
    found = resolver.resolve(text)
    assert found.municipality_name == municipality
    assert found.why is not None and found.why.startswith(why)


def test_the_source_prior_answers_when_the_text_names_several_places(
    resolver: MunicipalityResolver, gazetteer: Gazetteer
) -> None:
    perm = municipality_id(gazetteer, "Пермский городской округ")
    found = resolver.resolve("В Перми и в Березниках нет горячей воды", prior_id=perm)
    assert (found.municipality_id, found.method) == (perm, "source")
    places = "Березниковский городской округ, Пермский городской округ"
    assert found.why == f"source prior (several places named: {places})"


def test_a_stated_place_is_taken_only_when_its_name_is_known(
    resolver: MunicipalityResolver, gazetteer: Gazetteer
) -> None:
    krasnokamsk = municipality_id(gazetteer, "Краснокамский городской округ")
    given = resolver.given("  краснокамский   городской ОКРУГ ")
    assert given is not None
    assert (given.municipality_id, given.confidence, given.why) == (
        krasnokamsk,
        1.0,
        "указан оператором",
    )
    for unknown in (None, "", "  ", "Атлантида", "Краснокамск"):  # a town, not the municipality
        assert resolver.given(unknown) is None


@pytest.mark.parametrize(
    "text", ["в Краснокамске прорвало трубу", "Курск - Золотухино", "ул. Ленина, 5", ""]
)
def test_a_text_cleaned_and_split_by_the_caller_resolves_the_same(
    resolver: MunicipalityResolver, text: str
) -> None:
    cleaned = clean_text(text)
    given = resolver.resolve(text, cleaned=cleaned, tokens=words(cleaned[:MAX_RESOLVE_CHARS]))
    assert given == resolver.resolve(text)
