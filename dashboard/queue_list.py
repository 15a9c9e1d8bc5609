"""The queue's compact list: one short row per post, and which post is the current one."""

import hashlib
import re
from typing import Any

import streamlit as st

from dashboard import text_width, views
from dashboard.charts import short_name
from triage.queue import QueueItem

CURRENT_KEY = "q_current"
GENERATION_KEY = "q_table_generation"  # bumped when ticked rows must be forgotten
SHOWN_KEY = "q_table_shown"  # a hash of the posts (and versions) the grid shows
TEXT_CHARS = 160
ROW_PX = 35

# At 1,366 px the list is 580 px wide beside the current post (7:5; the post's side keeps
# 412 px for its three decision buttons in one row, 350 px; 515 and 365 before the page's
# side margins narrowed, `dashboard.density`). №, Время and Муниципалитет are
# pinned, as wide as the page's values (a municipality such as «Березниковский ГО» or
# «Большесосновский МО» is always whole); the topic and the text share the rest.
# Streamlit spreads the width a wider screen adds evenly over the columns not pinned: at
# 1,920 px the topic and the text take the list's 325 px more between them, № and Время
# stay as they are. `LAPTOP_LIST_PX` is what the columns may sum to at 1,366 px: with
# pinned columns the grid needs a few pixels more than their sum (measured: widths summing
# to 488 in a 490-px list scrolled sideways by 10 px; 501 in the 515-px list fits, the
# rest spread over the topic and the text; so does the 580-px list). A post the authority
# has already answered publicly starts with `ANSWERED` instead of a column of its own.
ANSWERED = "↩ "
LAPTOP_LIST_PX = 501
TICKS_PX = 32  # the grid's column of ticks
TIME_PX = 82
TOPIC_PX = 84
LEAST_TEXT_PX = 96
TOPIC_END = re.compile(r"\s*[/(:,;]")  # «Прорыв трубы/трубопровода» -> «Прорыв трубы»


def short_topic(name: str) -> str:
    """A topic's name up to its first qualifier: «Работа светофора (установка, режим работы,
    кнопка вызова)» -> «Работа светофора» (the whole name is in the current post's details)."""
    return TOPIC_END.split(name, maxsplit=1)[0] or name


def columns(shown: list[dict[str, Any]]) -> dict[str, Any]:
    """The list's column widths for the rows `shown`: the page at 1,366 px fits the list,
    with no municipality (nor post number) cut."""
    number = text_width.column_px([str(row["№"]) for row in shown], least=40)
    place = text_width.column_px([row["Муниципалитет"] for row in shown], least=96)
    text = max(LEAST_TEXT_PX, LAPTOP_LIST_PX - TICKS_PX - number - TIME_PX - place - TOPIC_PX)
    return {
        "№": st.column_config.NumberColumn("№", width=number, format="%d", pinned=True),
        "Время": st.column_config.TextColumn("Время", width=TIME_PX, pinned=True),
        "Муниципалитет": st.column_config.TextColumn("Муниципалитет", width=place, pinned=True),
        "Тема": st.column_config.TextColumn(
            "Тема", width=TOPIC_PX, help="Начало названия темы; вся тема — в карточке поста"
        ),
        "Текст": st.column_config.TextColumn(
            "Текст", width=text, help="↩ — под постом есть публичный ответ администрации"
        ),
    }


def rows(items: list[QueueItem], *, answered: set[int]) -> list[dict[str, Any]]:
    """Display rows: text on one line, names instead of codes (the confidences are in the
    current post's details); the text starts with «↩» where `answered` (post ids) has a
    public answer."""
    return [
        {
            "№": item.post_id,
            "Время": views.short_time(item.published_at),
            "Муниципалитет": short_name(views.municipality_name(item.municipality_id))
            if item.municipality_id
            else "—",
            "Тема": short_topic(views.topic_name(item.topic_code)),
            "Текст": (ANSWERED if item.post_id in answered else "")
            + " ".join(item.text.split())[:TEXT_CHARS],
        }
        for item in items
    ]


def table_key(items: list[QueueItem]) -> str:
    """The list grid's key: the same while no row is ticked, so after a decision the browser
    updates the grid in place instead of building a new one (a third of a decision's time);
    a new key when the posts on the page change under ticked rows, so a selection never
    carries over to other posts."""
    ids = hashlib.sha1(
        ",".join(f"{item.post_id}:{item.version}" for item in items).encode()
    ).hexdigest()
    generation = int(st.session_state.get(GENERATION_KEY, 0))
    shown = st.session_state.get(SHOWN_KEY)
    if shown is not None and shown != ids and _ticked(f"q_table_{generation}"):
        generation += 1
        st.session_state[GENERATION_KEY] = generation
    st.session_state[SHOWN_KEY] = ids
    return f"q_table_{generation}"


def _ticked(key: str) -> bool:
    """Whether the grid under `key` has rows ticked."""
    state = st.session_state.get(key)
    if state is None:
        return False
    try:
        return bool(state["selection"]["rows"])
    except (KeyError, TypeError):
        return False


def height(count: int) -> int:
    return ROW_PX * (count + 1) + 3


def selected(items: list[QueueItem], rows_chosen: list[int]) -> list[QueueItem]:
    return [items[row] for row in rows_chosen if 0 <= row < len(items)]


def current(items: list[QueueItem], rows_chosen: list[int], *, table: str) -> QueueItem:
    """The post shown in detail: a newly ticked row, else the remembered one, else the first."""
    before = set(st.session_state.get(f"{table}_seen", []))
    st.session_state[f"{table}_seen"] = list(rows_chosen)
    added = [row for row in rows_chosen if row not in before and 0 <= row < len(items)]
    if added:
        st.session_state[CURRENT_KEY] = items[added[-1]].post_id
    by_id = {item.post_id: item for item in items}
    return by_id.get(st.session_state.get(CURRENT_KEY, -1), items[0])


def step(items: list[QueueItem], *, post_id: int, by: int) -> None:
    """Move the current post `by` rows (a button callback; stays within the page)."""
    ids = [item.post_id for item in items]
    at = ids.index(post_id) if post_id in ids else 0
    st.session_state[CURRENT_KEY] = ids[min(max(at + by, 0), len(ids) - 1)]


def after_decision(items: list[QueueItem], *, decided: set[int]) -> None:
    """Make the first undecided post after the decided ones current."""
    ids = [item.post_id for item in items]
    last = max((ids.index(i) for i in decided if i in ids), default=-1)
    rest = [i for i in ids[last + 1 :] + ids[: last + 1] if i not in decided]
    if rest:
        st.session_state[CURRENT_KEY] = rest[0]
