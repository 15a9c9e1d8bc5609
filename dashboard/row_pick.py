"""A list whose ticked row opens that item under it: the page's «?incident=N» or «?report=N».

The Инциденты and Обращения lists name their items in a table and open one below it. Ticking
the item's row in the table opens it, as ticking a post in the queue does; the «Инцидент» /
«Обращение» box under the table stays for typing a number. The grid's key holds the ids it
shows, so a tick never carries over to another page's rows, and a generation that the box
bumps, so an item opened from the box leaves no other row ticked.
"""

import hashlib
from collections.abc import Callable
from typing import Any

import streamlit as st
from pandas.io.formats.style import Styler

from dashboard import views


def table(
    data: Styler,
    *,
    name: str,
    ids: list[int],
    param: str,
    opened: int | None = None,
    **options: Any,
) -> None:
    """`data` as a single-row-select grid whose ticked row's id becomes `?param=id`; the
    row of the item `opened` below it marked (`views.OPENED_STYLE`), however it was opened:
    a tick, the box under the list, a link from another page."""
    key = _key(name, ids)
    st.dataframe(
        views.marked_row(data, ids.index(opened) if opened in ids else None),
        key=key,
        on_select=_opener(key, ids, param),
        selection_mode="single-row",
        **options,
    )


def ticked(name: str, ids: list[int]) -> int | None:
    """The id on the row ticked in the grid `name` showing `ids`, or None."""
    state = st.session_state.get(_key(name, ids))
    rows = [row for row in (state or {}).get("selection", {}).get("rows", []) if row < len(ids)]
    return ids[rows[0]] if rows else None


def forget(name: str) -> None:
    """The item was opened another way: the grid named `name` starts with no row ticked."""
    st.session_state[_generation(name)] = _generation_of(name) + 1


def _generation(name: str) -> str:
    return f"{name}_generation"


def _generation_of(name: str) -> int:
    return int(st.session_state.get(_generation(name), 0))


def _key(name: str, ids: list[int]) -> str:
    shown = hashlib.sha1(",".join(map(str, ids)).encode()).hexdigest()[:12]
    return f"{name}_{_generation_of(name)}_{shown}"


def _opener(key: str, ids: list[int], param: str) -> Callable[[], None]:
    def opened() -> None:
        rows = [row for row in st.session_state[key]["selection"]["rows"] if row < len(ids)]
        if rows:
            st.query_params[param] = str(ids[rows[0]])
        else:  # the tick taken off: nothing open
            st.query_params.pop(param, None)

    return opened
