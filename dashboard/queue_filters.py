"""The queue's filter panel: widgets in, `triage.queue.QueueFilters` out."""

from datetime import UTC, date, datetime, time, timedelta

import streamlit as st

from dashboard import resources, views
from dashboard.numbers import decimal
from dashboard.record_ids import as_record_id, record_id
from dashboard.widgets import INCIDENT_PARAM, THREAD_PARAM
from models.post import ReviewStatus
from models.search import MAX_QUERY_CHARS, clean_query
from triage.queue import QueueFilters

STATUSES = {
    ReviewStatus.NEEDS_REVIEW: "ждут проверки",
    ReviewStatus.AUTO_ACCEPTED: "приняты автоматически",
    ReviewStatus.CONFIRMED: "подтверждены",
    ReviewStatus.CORRECTED: "исправлены",
    ReviewStatus.NOT_SIGNAL: "не сигналы",
}


# the confidence filter's steps, shown «0,05» (a slider's own format writes «0.05»)
CONFIDENCES = tuple(round(step * 0.05, 2) for step in range(21))


def queue_filters() -> QueueFilters:
    """Search text, status, sources, categories, places, confidence and date range."""
    with st.expander("Фильтры и поиск", expanded=False):
        text = st.text_input("Поиск по тексту", key="q_text", max_chars=MAX_QUERY_CHARS)
        left, right = st.columns(2)
        status = left.selectbox("Статус", list(STATUSES), format_func=STATUSES.get, key="q_status")
        source_ids = right.multiselect(
            "Источники",
            list(resources.sources()),
            format_func=resources.sources().get,
            placeholder="все источники",
            key="q_sources",
        )
        categories = left.multiselect(
            "Категории",
            list(resources.categories()),
            format_func=views.category_name,
            placeholder="все категории",
            key="q_categories",
        )
        places = right.multiselect(
            "Муниципалитеты",
            list(resources.municipalities()),
            format_func=views.municipality_name,
            placeholder="все муниципалитеты",
            key="q_places",
        )
        low, high = left.select_slider(
            "Уверенность модели",
            CONFIDENCES,
            value=(CONFIDENCES[0], CONFIDENCES[-1]),
            format_func=lambda value: decimal(value, 2),
            key="q_conf",
        )
        dates = right.date_input("Дата публикации", value=(), format="DD.MM.YYYY", key="q_dates")
    start, end = _span(dates)
    return QueueFilters(
        review_statuses=(status,),
        source_ids=tuple(source_ids),
        category_codes=tuple(categories),
        municipality_ids=tuple(places),
        min_confidence=low if low > 0 else None,
        max_confidence=high if high < 1 else None,
        published_from=datetime.combine(start, time(), UTC) if start else None,
        published_to=datetime.combine(end, time(), UTC) + timedelta(days=1) if end else None,
        text=clean_query(text) or None,
        thread=_thread(),
        incident_id=_incident(),
    )


def _thread() -> tuple[int, str] | None:
    """?thread=<source id>:<post's external id> (`widgets.thread_address`): one thread
    only, with a banner saying so and a way back to the whole queue."""
    source, _, key = str(st.query_params.get(THREAD_PARAM, "")).partition(":")
    source_id = as_record_id(source)
    if source_id is None or not key:
        return None
    name = resources.sources().get(source_id, f"источник №{source_id}")
    _narrowed(
        f"Показана одна ветка: пост и комментарии под ним ({name}).",
        "её сигналы можно сначала подтвердить по одному (они уйдут из списка).",
        THREAD_PARAM,
    )
    return source_id, key


def _incident() -> int | None:
    """?incident=N (`widgets.incident_queue_address`): the posts of one incident only."""
    number = record_id(INCIDENT_PARAM)
    if number is None:
        return None
    _narrowed(
        f"Показаны посты инцидента №{number}.",
        "пост о другом можно сначала исправить или отметить по одному.",
        INCIDENT_PARAM,
    )
    return number


def _narrowed(what: str, first: str, param: str) -> None:
    """The banner of a queue narrowed to one thread or incident, and the way back."""
    shown, back = st.columns([5, 1], vertical_alignment="center")
    shown.info(
        f"{what} Решение по всем сразу, на всех страницах, — кнопками под списком; {first}",
        icon=":material/forum:",
    )
    back.button("Вся очередь", key=f"q_{param}_off", on_click=st.query_params.pop,
                args=(param,))  # fmt: skip


def _span(dates: object) -> tuple[date | None, date | None]:
    """A date_input value (one day, a range, or half a range) as (first, last)."""
    if isinstance(dates, date):
        return dates, dates
    chosen = [*dates, None, None] if isinstance(dates, tuple | list) else [None, None]
    return chosen[0], chosen[1]
