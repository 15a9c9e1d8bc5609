"""Lists that fit a 1,366-px laptop: every column a fixed width, one free column taking what
the others leave, and text cut with «…» to what its column shows (whole in the detail)."""

from collections.abc import Iterable
from typing import Any

import streamlit as st

# A table beside the sidebar on a 1,366-px screen is 884 px wide: the narrowest the widths
# are made for (a wider screen leaves some room to the right).
TABLE_PX = 880
CHAR_PX = 7.0  # an average character of the grid's 14-px font, capitals and spaces counted
CELL_PADDING_PX = 16


def widths(shown: Iterable[str], fixed: dict[str, int], *, rest: str) -> dict[str, int]:
    """The pixel width of each `shown` column: `fixed` ones as given, `rest` what is left."""
    taken = {name: fixed[name] for name in shown if name != rest}
    return {**taken, rest: TABLE_PX - sum(taken.values())}


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
