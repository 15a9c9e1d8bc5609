"""Lists that fit a 1,366-px laptop: every column a fixed width, one free column taking what
the others leave, and text cut with «…» to what its column shows (whole in the detail)."""

from collections.abc import Iterable
from typing import Any

import streamlit as st

from dashboard import text_width

# The page's main column on a 1,366×768 screen, as Chromium draws it: 1,366 px less the
# 300-px sidebar, `density`'s 24 px at each side and the page's own scrollbar (10 px, when
# the page is longer than the screen) is 1,008 px, and a grid's border takes 1 px at each
# side: 1,006 px for the columns, the narrowest the widths are made for. At 1,920×1,080 the
# column is 1,562 px: Streamlit shares what the widths leave equally between the columns
# (each one not pinned grows), so no list scrolls sideways at either size.
TABLE_PX = 1006
TICK_PX = 34  # the tick column of a list whose ticked row opens its item (`row_pick`)
CHAR_PX = 7.0  # an average character of the grid's 14-px font, capitals and spaces counted
CELL_PADDING_PX = 16


def widths(
    shown: Iterable[str], fixed: dict[str, int], *, rest: str, ticked: bool = False
) -> dict[str, int]:
    """The pixel width of each `shown` column: `fixed` ones as given, `rest` what is left
    (`ticked`: less the tick column before them)."""
    taken = {name: fixed[name] for name in shown if name != rest}
    return {**taken, rest: TABLE_PX - TICK_PX * ticked - sum(taken.values())}


def fitted(fixed: dict[str, int], title: str, values: Iterable[str]) -> dict[str, int]:
    """`fixed` with the column `title` as wide as its title and the widest of `values`
    (`text_width.column_px`): a column of names that shows each name whole («Большесосновский
    МО»), and leaves the rest to the free column when the names are short."""
    return {**fixed, title: text_width.column_px([title, *values], least=0)}


def cut(text: str, width: int) -> str:
    """`text` on one line as a column `width` pixels wide shows it whole: measured in the
    grid's font (`text_width.fit`), cut after a word with «…». The character average of
    `chars` left a long title's column a fifth empty."""
    return text_width.fit(" ".join(text.split()), width)


def chars(width: int) -> int:
    """How many characters a column `width` pixels wide shows whole."""
    return int((width - CELL_PADDING_PX) / CHAR_PX)


def config(
    sized: dict[str, int],
    *,
    numbers: dict[str, str | None] | None = None,
    notes: dict[str, str] | None = None,
) -> dict[str, Any]:
    """`st.column_config` for `sized` columns: numbers with their format (None: the one a
    pandas Styler gives, such as `views.with_decimals`' decimal comma), text otherwise, a
    column's note shown on its header."""
    numbers, notes = numbers or {}, notes or {}
    return {
        name: st.column_config.NumberColumn(
            name, width=width, format=numbers[name], help=notes.get(name)
        )
        if name in numbers
        else st.column_config.TextColumn(name, width=width, help=notes.get(name))
        for name, width in sized.items()
    }


def shorten(text: str, limit: int) -> str:
    """`text` on one line, at most `limit` characters, cut after a word with «…» (inside
    a long one)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    head = text[:limit]  # a space right after a word keeps the word
    cut = head.rsplit(" ", 1)[0].rstrip(" ,.;:—-") if " " in head else ""
    if len(cut) < limit * 2 // 3:  # a long last word («telegram_result.json»): cut inside it
        cut = head[: limit - 1].rstrip(" ,.;:—-")
    return cut + "…"
