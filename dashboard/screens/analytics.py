"""Аналитика: volumes, top topics, SLA and answer times, the municipality rating, a map."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from dashboard import auth, charts, hints, rating_table, resources, views
from models.clock import now
from triage.accounts import Right
from triage.analytics import (
    Dimension,
    Period,
    bucket_keys,
    report_summary,
    top_topics,
    volumes,
)
from triage.answers import answer_summary
from triage.rating import MunicipalityRating, municipality_rating
from triage.repeats import REPEAT_DAYS

SPANS = {7: "7 дней", 30: "30 дней", 90: "90 дней", 365: "год"}
PERIODS = {Period.DAY: "по дням", Period.WEEK: "по неделям", Period.MONTH: "по месяцам"}
MIN_REPORTS = 5  # below this a municipality is listed but neither scored nor ranked

login = auth.require(Right.VIEW_ANALYTICS)
scope = login.scope  # a municipal user's figures are counted over their territory only
st.title("Аналитика")
hints.hide_english_hints()
if scope.municipality_ids is not None:
    territory = ", ".join(sorted(views.municipality_name(i) for i in scope.municipality_ids))
    st.caption(f"Данные только по вашей территории: {territory}.")

left, right = st.columns(2)
days = left.selectbox("Период", list(SPANS), index=1, format_func=SPANS.get, key="an_days")
period = right.selectbox("Шаг", list(PERIODS), format_func=PERIODS.get, key="an_period")
until = now()
since = until - timedelta(days=days)
zone = ZoneInfo(resources.settings().timezone)  # a day is the region's, as the caption's dates
span = f"с {views.local_time(since)[:10]} по {views.local_time(until)[:10]}"
st.caption(f"Период: {span}.")

with resources.session() as db:
    window = {"since": since, "until": until, "scope": scope}
    by_category = volumes(db, by=Dimension.CATEGORY, period=period, zone=zone, **window)
    by_place = volumes(db, by=Dimension.MUNICIPALITY, period=period, zone=zone, **window)
    topics = top_topics(db, **window)
    summary = report_summary(db, now=until, **window)
    rating = municipality_rating(db, min_reports=MIN_REPORTS, **window)
    answers = answer_summary(db, **window)


def _category_chart() -> None:
    st.subheader("Сигналы по категориям")
    if not by_category:
        st.info(
            f"{span.capitalize()} сигналов нет: ни один пост этого периода не признан сигналом. "
            "Выберите период длиннее или проверьте на странице «Источники», что сбор работает."
        )
        return
    # every period of the span, a quiet one too: an empty slot, not a gap closed up
    labels = charts.period_labels(bucket_keys(period, since, until, zone=zone), period)
    frame = pd.DataFrame(
        [
            (
                labels.get(row.period, row.period),
                views.category_name(row.key) if row.key else "без категории",
                row.count,
            )
            for row in by_category
        ],
        columns=["Период", "Категория", "Сигналов"],
    )
    order = list(labels.values())
    st.altair_chart(charts.volume_bars(frame, order=order), width="stretch")


def _places() -> pd.DataFrame:
    frame = pd.DataFrame(
        [(int(row.key), row.count) for row in by_place if row.key is not None],
        columns=["id", "Сигналов"],
    )
    frame = frame.groupby("id", as_index=False)["Сигналов"].sum()
    frame["Муниципалитет"] = [views.municipality_name(int(i)) for i in frame["id"]]
    return frame.sort_values("Сигналов", ascending=False)


def _rating(rows: list[MunicipalityRating]) -> None:
    st.subheader("Рейтинг муниципалитетов")
    shown = [row for row in rows if row.reports or row.signals]
    ranked = sum(row.rank is not None for row in shown)
    st.caption(
        f"Место и балл — только у муниципалитетов, где за период не меньше {MIN_REPORTS} "
        "обращений; балл — среднее долей решённых и отвеченных в срок, сглаженное к среднему "
        f"по {'региону' if scope.is_regional else 'вашей территории'}. "
        "«На 10 тыс. жителей» — сигналы на население городов муниципалитета. "
        "«Повторно после решения» — из обращений, решённых за период, у скольких та же "
        f"проблема по тому же адресу вернулась в течение {REPEAT_DAYS} дней (новый инцидент "
        "или повторное открытие обращения); в балл не входит."
    )
    if not shown:
        st.info(f"{span.capitalize()} нет ни обращений, ни сигналов с муниципалитетом.")
        return
    if not ranked:
        st.info(
            f"Ни у одного муниципалитета нет {MIN_REPORTS} обращений за период: места не присвоены."
        )
    st.dataframe(
        rating_table.rating_table(shown),
        hide_index=True,
        width="stretch",
        placeholder=rating_table.MISSING,
    )
    if hidden := len(rows) - len(shown):
        others = charts.count_phrase(hidden, "муниципалитет", "муниципалитета", "муниципалитетов")
        verb = "показан" if hidden % 10 == 1 and hidden % 100 != 11 else "показаны"
        st.caption(f"Не {verb} ещё {others} без обращений и сигналов за период.")


def _map(places: pd.DataFrame) -> None:
    st.subheader("Карта сигналов")
    points = resources.municipality_points()
    mapped = places[[int(i) in points for i in places["id"]]].copy()
    if mapped.empty:
        st.info("Нет сигналов в муниципалитетах с известными координатами.")
        return
    mapped["lat"] = [points[int(i)][0] for i in mapped["id"]]
    mapped["lon"] = [points[int(i)][1] for i in mapped["id"]]
    mapped["Подпись"] = [
        f"{charts.short_name(name)}: {count}"
        for name, count in zip(mapped["Муниципалитет"], mapped["Сигналов"], strict=True)
    ]
    tile_url = resources.settings().map_tile_url
    if tile_url:
        st.pydeck_chart(charts.tile_map(mapped, tile_url=tile_url))
    else:
        region = list(points.values())  # the whole region's frame, even for one territory
        st.altair_chart(charts.offline_map(mapped, region=region), width="stretch")
    st.caption(
        "Круг — муниципалитет, его площадь растёт с числом сигналов за период; "
        "подпись — муниципалитет и число сигналов."
    )


_category_chart()
places = _places()
st.subheader("Сигналы по муниципалитетам")
if places.empty:
    st.caption("Сигналов с муниципалитетом за период нет.")
else:
    st.altair_chart(charts.municipality_bars(places), width="stretch")
placeless = sum(row.count for row in by_place if row.key is None)
if placeless:  # on no bar and no circle: said, or a crawl of them reads as a quiet period
    counted = charts.count_phrase(placeless, "сигнал", "сигнала", "сигналов")
    st.caption(f"Ещё {counted} без муниципалитета: их нет ни на графике, ни на карте.")

st.subheader("Частые темы")
if topics:
    st.dataframe(
        [{"Тема": t.name or t.topic_code, "Сигналов": t.count} for t in topics], hide_index=True
    )
else:
    st.caption("Сигналов с темой за период нет.")

st.subheader("Обращения")
tiles = st.columns(4)
tiles[0].metric("Создано", summary.total)
tiles[1].metric("Решено", views.share(summary.share_resolved))
tiles[2].metric("В срок (SLA)", views.share(summary.sla_compliance))
tiles[3].metric("Медиана до ответа, ч", views.hours(summary.median_hours_to_first_answer))
if not summary.total:
    st.caption(f"{span.capitalize()} обращений не создавали: доли и медиана не считаются («—»).")

st.subheader("Публичные ответы администраций")
answered = st.columns(3)
answered[0].metric("Сигналов жителей", answers.signals)
answered[1].metric("С ответом страницы", answers.answered)
answered[2].metric("Доля с ответом", views.share(answers.share_answered))
st.caption("Ответ страницы администрации под комментарием жителя в самой соцсети.")

_rating(rating)
_map(places)
