"""The queue's compact list: one short row per post, and which post is the current one."""

import hashlib
import re
from typing import Any

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from dashboard import text_width, views
from dashboard.charts import short_name
from triage.queue import QueueItem

CURRENT_KEY = "q_current"
GENERATION_KEY = "q_table_generation"  # bumped when ticked rows must be forgotten
SHOWN_KEY = "q_table_shown"  # a hash of the posts (and versions) the grid shows
TEXT_CHARS = 160
ROW_PX = 35

# At 1,366 px the list is about 600 px wide beside the current post (3:2; the post's side
# keeps 400 px, its three decision buttons in one row take 350). Everything but the text is
# pinned and as wide as the page's values: №, Время (a time today, a day before: «06:56»,
# «02.11»), Муниципалитет (always whole: «Большесосновский МО») and Тема (its short name,
# cut with «…» past `TOPIC_PX`, the 1,366-px width it had when it shared the rest with the
# text). Streamlit gives the width a screen leaves over only to the columns not pinned, so
# the text takes all of it, at 1,366 px and at 1,920 (the whole topic, place and time are
# in the current post's card). A post the authority has already answered publicly starts
# with `ANSWERED` instead of a column of its own.
ANSWERED = "↩ "
TOPIC_PX = 122
LEAST_TEXT_PX = 96  # what the grid grows from: on a narrower screen nothing scrolls sideways
TOPIC_END = re.compile(r"\s*[/(:,;]")  # «Прорыв трубы/трубопровода» -> «Прорыв трубы»


def short_topic(name: str) -> str:
    """A topic's name up to its first qualifier: «Работа светофора (установка, режим работы,
    кнопка вызова)» -> «Работа светофора» (the whole name is in the current post's details)."""
    return TOPIC_END.split(name, maxsplit=1)[0] or name


def columns(shown: list[dict[str, Any]]) -> dict[str, Any]:
    """The list's column widths for the rows `shown`: every column but the text as wide as
    its values (and its title), the text all the rest."""

    def fitted(title: str, least: int) -> int:
        return text_width.column_px([title, *(str(row[title]) for row in shown)], least=least)

    return {
        "№": st.column_config.NumberColumn("№", width=fitted("№", 40), format="%d", pinned=True),
        "Время": st.column_config.TextColumn(
            "Время",
            width=fitted("Время", 0),
            pinned=True,
            help="Сегодня — время, раньше — дата; точное время — в карточке поста",
        ),
        "Муниципалитет": st.column_config.TextColumn(
            "Муниципалитет", width=fitted("Муниципалитет", 96), pinned=True
        ),
        "Тема": st.column_config.TextColumn(
            "Тема",
            width=fitted("Тема", 0),
            pinned=True,
            help="Начало названия темы; вся тема — в карточке поста",
        ),
        "Текст": st.column_config.TextColumn(
            "Текст", width=LEAST_TEXT_PX, help="↩ — под постом есть публичный ответ администрации"
        ),
    }


def rows(items: list[QueueItem], *, answered: set[int]) -> list[dict[str, Any]]:
    """Display rows: text on one line, names instead of codes, the topic's start (the
    confidences and whole names are in the current post's details); the text starts with
    «↩» where `answered` (post ids) has a public answer."""
    return [
        {
            "№": item.post_id,
            "Время": views.time_or_day(item.published_at),
            "Муниципалитет": short_name(views.municipality_name(item.municipality_id))
            if item.municipality_id
            else "—",
            "Тема": "—"  # the model (or a moderator) found no signal: its topic means nothing
            if item.is_signal is False
            else text_width.fit(short_topic(views.topic_name(item.topic_code)), TOPIC_PX),
            "Текст": (ANSWERED if item.post_id in answered else "")
            + " ".join(item.text.split())[:TEXT_CHARS],
        }
        for item in items
    ]


def marked(shown: list[dict[str, Any]], *, at: int) -> Styler:
    """The list's rows with row `at` (the current post) marked (`views.OPENED_STYLE`), so
    that a moderator stepping with J / K, or back from a decision, sees where they are."""
    frame = pd.DataFrame(shown, columns=list(shown[0]) if shown else None)
    return views.marked_row(frame.style, at)


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
    return bool(ticked_rows(key))


def ticked_rows(key: str) -> list[int]:
    """The rows ticked in the grid under `key`, as the browser last sent them: known before
    the grid is drawn, so the current post (which a new tick opens) can be marked in it."""
    state = st.session_state.get(key)
    if state is None:
        return []
    try:
        return [int(row) for row in state["selection"]["rows"]]
    except (KeyError, TypeError, ValueError):
        return []


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
