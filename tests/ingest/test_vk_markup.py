import pytest

from ingest.vk.markup import readable

CASES = [
    ("[club123|Администрация] ответила", "Администрация ответила"),
    ("Спасибо, [id42|Иван Петров]!", "Спасибо, Иван Петров!"),
    ("[public5|Пермь Онлайн] и [event7|субботник]", "Пермь Онлайн и субботник"),
    ("[perm_adm|Мэрия Перми]", "Мэрия Перми"),
    ("без разметки [скобки]", "без разметки [скобки]"),
    ("", ""),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_mentions_become_readable(text: str, expected: str) -> None:
    assert readable(text) == expected
