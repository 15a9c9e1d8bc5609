"""The list's widths: a name's width in the grid's font, a topic's short name."""

import pytest

from dashboard.queue_list import short_topic
from dashboard.text_width import column_px, fit, text_px

# Widths the browser's canvas measured in the grid's font (14px "Source Sans"), 2026-12-02.
MEASURED = (
    ("Большесосновский МО", 141.5),
    ("Красновишерский ГО", 132.5),
    ("Александровский МО", 131.6),
    ("Березниковский ГО", 121.0),
    ("Краснокамский ГО", 115.0),
    ("Кудымкарский МО", 113.1),
)


@pytest.mark.parametrize(("name", "measured"), MEASURED)
def test_a_name_is_never_narrower_than_the_browser_draws_it(name: str, measured: float) -> None:
    assert measured <= text_px(name) <= measured + 2


def test_a_column_shows_its_widest_value_with_the_cells_padding() -> None:
    assert column_px(["Краснокамский ГО", "Большесосновский МО"], least=96) == 143 + 16 + 2
    assert column_px(["88"], least=40) == 40


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("Прорыв трубы/трубопровода", "Прорыв трубы"),
        ("Работа светофора (установка, режим работы, кнопка вызова)", "Работа светофора"),
        ("Благоустройство пространства: парк, сквер", "Благоустройство пространства"),
        ("Ямы во дворах", "Ямы во дворах"),
        ("—", "—"),
    ],
)  # fmt: skip
def test_the_list_shows_a_topic_up_to_its_first_qualifier(name: str, short: str) -> None:
    assert short_topic(name) == short


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Прорыв трубы", "Прорыв трубы"),  # 90 px: whole in the 122-px column
        ("Засор в общедомовой канализации", "Засор в общед…"),  # not «Засор в…»
        ("Отсутствие горячей воды", "Отсутствие…"),
        ("Очистка дорог и тротуаров", "Очистка дорог…"),
        ("Благоустройство", "Благоустройс…"),
    ],
)  # fmt: skip
def test_a_topic_is_cut_to_what_its_column_shows(text: str, shown: str) -> None:
    assert fit(text, 122) == shown
    assert text_px(fit(text, 122)) + 2 * 8 + 2 <= 122
