"""A label's wording (a taxonomy topic's name, a ЦУР export's «Тема») as one more example."""

import pytest

from nlp.classifier import Example, name_examples, train_bundle
from nlp.corpus import readable_names
from nlp.lemmas import Lemmatizer
from nlp.reference import topic_wordings
from otklik.paths import DATA_DIR


@pytest.mark.parametrize(
    ("label", "readable"),
    [
        ("Ямы и выбоины на дороге", True),
        ("Благоустройство", True),
        ("Содержание МКД", True),
        ("Мусор  на проезжей части, тротуаре", True),
        ("roads_potholes", False),
        ("12", False),
        ("road-repair.v2", False),
        ("", False),
        ("№ 5", False),
    ],
)
def test_readable_names_keep_wordings_not_codes(label: str, readable: bool) -> None:
    assert (label in readable_names([label, "7"])) is readable
    assert "7" not in readable_names([label, "7"])


def test_name_examples_only_for_labels_that_have_posts() -> None:
    posts = [Example("яма", "a"), Example("нет света", "b"), Example("спасибо", None, False)]
    names = {"a": "Ямы на дороге", "b": "   ", "c": "Бродячие собаки"}
    assert name_examples(posts, names) == [Example("Ямы на дороге", "a")]


def test_topic_wordings_join_the_name_and_a_different_rubricator_theme() -> None:
    wordings = topic_wordings(DATA_DIR)
    assert wordings["roads_potholes"] == "Ямы и выбоины на дороге"  # the theme reads the same
    assert wordings["roads_snow"] == (
        "Очистка дорог и тротуаров от снега и наледи. Нарушение правил очистки дорог от снега "
        "и наледи/Обращения о необходимости очистить тротуар от снега и наледи"
    )
    assert all(text.strip() for text in wordings.values())


# Each topic's posts never use the word its name is about; only the name teaches it.
POSTS = [
    ("Третий вечер на перекрёстке у школы мигает жёлтым, машины не пропускают детей", "lights"),
    ("На пересечении Ленина и Мира опять не работает, пешеходы бегут наугад", "lights"),
    ("Переключается каждые пять секунд, пробка на километр", "lights"),
    ("Во дворе дома 5 под окнами огромная лужа после дождя, не пройти", "flooding"),
    ("Дорогу у остановки заливает, вода по колено", "flooding"),
    ("После ливня вся улица в воде, ливнёвка забита", "flooding"),
    ("Контейнеры переполнены, мешки лежат на земле", "waste"),
    ("Не вывозят уже неделю, запах на весь двор", "waste"),
    ("Площадка завалена пакетами, вороны растаскивают", "waste"),
]
NAMES = {
    "lights": "Неисправный светофор",
    "flooding": "Подтопление территории",
    "waste": "Вывоз мусора",
}


@pytest.mark.parametrize(
    ("text", "topic"),
    [("сломался светофор", "lights"), ("подтопило", "flooding"), ("мусор", "waste")],
)
def test_a_topic_is_learned_from_its_name(lemmatizer: Lemmatizer, text: str, topic: str) -> None:
    examples = [Example(post, label) for post, label in POSTS]
    mapping = {"lights": "roads", "flooding": "roads", "waste": "waste"}
    named = train_bundle(examples, lemmatizer=lemmatizer, topic_category=mapping,
                         label_names=NAMES)  # fmt: skip
    unnamed = train_bundle(examples, lemmatizer=lemmatizer, topic_category=mapping)
    [with_names] = named.predict([text], lemmatizer)
    [without] = unnamed.predict([text], lemmatizer)
    assert with_names.topic == topic
    assert with_names.topic_confidence > without.topic_confidence
    assert named.meta["label_names"] == 3 and unnamed.meta["label_names"] == 0
