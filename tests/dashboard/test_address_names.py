"""An address as a person writes it, from its key and the words the post used for it."""

import pytest

from dashboard.address_names import human_address
from dashboard.views import address_text


@pytest.mark.parametrize(
    ("key", "span", "shown"),
    [
        ("ленин 14", "ул. Ленина 14", "ул. Ленина, д. 14"),
        ("ленин 14", "улица Ленина 14", "ул. Ленина, д. 14"),
        ("мир 12в", "Мира, 12 в", "ул. Мира, д. 12в"),
        ("молодежный 7", "ул. Молодёжная 7", "ул. Молодёжная, д. 7"),
        ("юбилейный 25", "Юбилейной 25", "ул. Юбилейная, д. 25"),
        ("уральский", "улицу Уральскую", "ул. Уральская"),
        ("калийный", "Калийная улица", "ул. Калийная"),
        ("коммунистический 44", "На Коммунистической", "ул. Коммунистическая, д. 44"),
        ("синий 2", "Синей 2", "ул. Синяя, д. 2"),
        ("толстой 3", "Толстого 3", "ул. Толстого, д. 3"),
        ("космонавт 61", "Космонавтов 61", "ул. Космонавтов, д. 61"),
        ("комсомольский 5", "Комсомольском проспекте, 5", "пр-т Комсомольский, д. 5"),
        ("пермский", "Пермское шоссе", "ш. Пермское"),
        ("карла маркс 12а", "ул. Карла Маркса, 12а", "ул. Карла Маркса, д. 12а"),
        ("25 октябрь 3", "ул. 25 Октября, 3", "ул. 25 Октября, д. 3"),
        ("1 красноармейский 5", "1-я Красноармейская 5", "ул. 1-я Красноармейская, д. 5"),
        ("18 линия 21", "18-я линия В.О., дом 21", "18-я линия, д. 21"),
        ("река мойка 12", "наб. реки Мойки 12", "наб. реки Мойки, д. 12"),
        ("большой морской 5", "на Большой Морской 5", "ул. Большая Морская, д. 5"),
        # a street named Набережная: its type word is the name the key holds
        ("набережный 3", "на Набережной 3", "ул. Набережная, д. 3"),
        ("набережный 3", "ул. Набережная 3", "ул. Набережная, д. 3"),
        ("на", "На улице", "На улице"),  # the parser took «На» for a street: shown as written
    ],
)
def test_an_address_reads_as_the_post_wrote_it(key: str, span: str, shown: str) -> None:
    assert human_address(key, span) == shown


@pytest.mark.parametrize(
    ("key", "shown"),
    [
        ("ленин 14", "ул. Ленина, д. 14"),
        ("гоголь 40", "ул. Гоголя, д. 40"),
        ("победа 3", "ул. Победы, д. 3"),
        ("бруснева 7", "ул. Бруснева, д. 7"),  # read as a feminine name: not «Брусневы»
        ("шоссейный", "ул. Шоссейная"),
        ("малый подьяческий 3", "ул. Малая Подьяческая, д. 3"),  # each adjective feminine
    ],
)
def test_a_key_without_its_words_is_still_written_as_a_street(key: str, shown: str) -> None:
    assert human_address(key) == shown


def test_each_key_reads_its_own_words_and_a_key_without_them_is_written_from_itself() -> None:
    read = [{"key": "ленин 14", "span": "улица Ленина 14"}, {"key": None, "span": "дом 0"}]
    assert address_text("ленин 14; мир 3", read) == "ул. Ленина, д. 14; ул. Мира, д. 3"
    assert address_text(None, read) == "не найден"


def test_a_blank_key_is_written_as_not_found_not_a_crash() -> None:
    assert human_address(" ") == "не найден"
    assert human_address(" ", " на углу ") == "на углу"
    assert address_text("ленин 14;  ") == "ул. Ленина, д. 14"
