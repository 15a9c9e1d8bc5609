import pytest

from ingest.vk.markup import readable

CASES = [
    ("[club123|Администрация] ответила", "Администрация ответила"),
    ("Спасибо, [id42|Иван Петров]!", "Спасибо, Иван Петров!"),
    ("[public5|Пермь Онлайн] и [event7|субботник]", "Пермь Онлайн и субботник"),
    ("[perm_adm|Мэрия Перми]", "Мэрия Перми"),
    ("[id42:bp-7_15|Анна], ответ ниже", "Анна, ответ ниже"),
    (
        "Подробнее [https://vk.com/wall-1_2|по ссылке].",
        "Подробнее по ссылке (https://vk.com/wall-1_2).",
    ),
    ("[http://vk.com/gorod|сайт города]", "сайт города (http://vk.com/gorod)"),
    ("[https://vk.com/wall-1_2|тут] и [club3|мэрия]", "тут (https://vk.com/wall-1_2) и мэрия"),
    ("[https://vk.com/a b|с пробелом]", "[https://vk.com/a b|с пробелом]"),
    ("без разметки [скобки]", "без разметки [скобки]"),
    ("", ""),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_mentions_become_readable(text: str, expected: str) -> None:
    assert readable(text) == expected
