"""How wide a line of text is in the data grid's cells, so a column can be made as wide as
the names it shows (Streamlit's column widths are pixels, set before the browser draws)."""

import itertools
import math

# Advance widths, px, of the grid's cell font (14px "Source Sans", Streamlit's default
# theme) as the browser's canvas measures them, rounded up to a tenth: the sum of a
# name's characters is within 2 px of its measured width, never under it (checked on
# the 43 municipalities of Пермский край, the widest «Большесосновский МО» 141.5 px).
ADVANCES: dict[str, float] = {
    **dict.fromkeys(" ", 2.8),
    **dict.fromkeys(".:", 3.5),
    **dict.fromkeys("()", 4.3),
    **dict.fromkeys("-", 4.4),
    **dict.fromkeys("«»", 6.1),
    **dict.fromkeys("г", 5.8),
    **dict.fromkeys("х", 6.3),
    **dict.fromkeys("зсэ", 6.4),
    **dict.fromkeys("т", 6.5),
    **dict.fromkeys("у", 6.6),
    **dict.fromkeys("ь", 6.9),
    **dict.fromkeys("0123456789еёкГ", 7.0),
    **dict.fromkeys("а", 7.1),
    **dict.fromkeys("вчУХ", 7.2),
    **dict.fromkeys("я", 7.3),
    **dict.fromkeys("ЕЁ", 7.4),
    **dict.fromkeys("дл", 7.5),
    **dict.fromkeys("оТ", 7.6),
    **dict.fromkeys("бАЗ", 7.7),
    **dict.fromkeys("пр", 7.8),
    **dict.fromkeys("нц", 7.9),
    **dict.fromkeys("ийРСЭ", 8.0),
    **dict.fromkeys("БКЬЯ", 8.2),
    **dict.fromkeys("В", 8.3),
    **dict.fromkeys("ъЧ", 8.4),
    **dict.fromkeys("мЛ", 8.9),
    **dict.fromkeys("ДЦ", 9.0),
    **dict.fromkeys("П", 9.1),
    **dict.fromkeys("ЙН", 9.2),
    **dict.fromkeys("ИО", 9.3),
    **dict.fromkeys("ы", 9.5),
    **dict.fromkeys("ж", 9.7),
    **dict.fromkeys("Ъ", 10.1),
    **dict.fromkeys("М", 10.2),
    **dict.fromkeys("фФ", 10.3),
    **dict.fromkeys("ю", 10.4),
    **dict.fromkeys("ш", 10.5),
    **dict.fromkeys("щ", 10.7),
    **dict.fromkeys("Ы", 11.2),
    **dict.fromkeys("Ж", 11.7),
    **dict.fromkeys("Ш", 12.3),
    **dict.fromkeys("Щ", 12.4),
    **dict.fromkeys("…", 13.3),
    **dict.fromkeys("№", 12.6),
    **dict.fromkeys("Ю", 12.8),
}
UNKNOWN = 12.8  # a character not measured counts as the widest one: a column too wide, not cut
CELL_PADDING = 8  # each side of a cell's text (the grid theme's cellHorizontalPadding)
SLACK = 2  # the column's border, and rounding


def text_px(text: str) -> float:
    """The width of `text` in the grid's cell font."""
    return sum(ADVANCES.get(char, UNKNOWN) for char in text)


def column_px(values: list[str], *, least: int) -> int:
    """A column's width that shows each of `values` whole, at least `least` pixels."""
    widest = max((text_px(value) for value in values), default=0.0)
    return max(least, math.ceil(widest) + 2 * CELL_PADDING + SLACK)


def fit(text: str, column: int) -> str:
    """`text` as a column `column` pixels wide shows it whole: cut after a word with «…», or
    inside the last word when whole words would fill less than two thirds of the column
    («Засор в общед…», not «Засор в…»)."""
    room = column - 2 * CELL_PADDING - SLACK
    if text_px(text) <= room:
        return text
    room -= ADVANCES["…"]
    widths = itertools.accumulate(ADVANCES.get(char, UNKNOWN) for char in text)
    head = text[: sum(1 for width in widths if width <= room)]
    words = head.rsplit(" ", 1)[0] if text[len(head) : len(head) + 1] != " " else head
    if text_px(words) >= room * 2 / 3:
        head = words
    return head.rstrip(" ,.;:—-/") + "…"
