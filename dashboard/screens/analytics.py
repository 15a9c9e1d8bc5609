"""Аналитика: volumes, top topics, SLA and answer times, the municipality rating, a map."""

from datetime import timedelta

import pandas as pd
import pydeck as pdk
import streamlit as st

from dashboard import auth, resources, views
from models.clock import now
from triage.accounts import Right
from triage.analytics import Dimension, Period, report_summary, top_topics, volumes
from triage.rating import municipality_rating

SPANS = {7: "7 дней", 30: "30 дней", 90: "90 дней", 365: "год"}
PERIODS = {Period.DAY: "по дням", Period.WEEK: "по неделям", Period.MONTH: "по месяцам"}

auth.require(Right.VIEW_ANALYTICS)
st.title("Аналитика")

left, right = st.columns(2)
days = left.selectbox("Период", list(SPANS), index=1, format_func=SPANS.get, key="an_days")
period = right.selectbox("Шаг", list(PERIODS), format_func=PERIODS.get, key="an_period")
until = now()
since = until - timedelta(days=days)

with resources.session() as db:
    by_category = volumes(db, by=Dimension.CATEGORY, period=period, since=since, until=until)
    by_place = volumes(db, by=Dimension.MUNICIPALITY, period=period, since=since, until=until)
    topics = top_topics(db, since=since, until=until)
    summary = report_summary(db, since=since, until=until, now=until)
    rating = municipality_rating(db, since=since, until=until)

st.subheader("Сигналы по категориям")
if by_category:
    frame = pd.DataFrame(
        [
            (row.period, views.category_name(row.key) if row.key else "без категории", row.count)
            for row in by_category
        ],
        columns=["Период", "Категория", "Сигналов"],
    )
    st.bar_chart(frame, x="Период", y="Сигналов", color="Категория")
else:
    st.info("За этот период сигналов нет.")

places = (
    pd.DataFrame(
        [(int(row.key), row.count) for row in by_place if row.key is not None],
        columns=["id", "Сигналов"],
    )
    .groupby("id", as_index=False)["Сигналов"]
    .sum()
)
places["Муниципалитет"] = [views.municipality_name(int(i)) for i in places["id"]]
st.subheader("Сигналы по муниципалитетам")
if not places.empty:
    st.bar_chart(places, x="Муниципалитет", y="Сигналов", horizontal=True)

st.subheader("Частые темы")
st.dataframe(
    [{"Тема": t.name or t.topic_code, "Сигналов": t.count} for t in topics], hide_index=True
)

st.subheader("Обращения")
tiles = st.columns(4)
tiles[0].metric("Создано", summary.total)
tiles[1].metric("Решено", views.share(summary.share_resolved))
tiles[2].metric("В срок (SLA)", views.share(summary.sla_compliance))
tiles[3].metric("Медиана до ответа, ч", views.hours(summary.median_hours_to_first_answer))

st.subheader("Рейтинг муниципалитетов")
st.dataframe(views.rating_table(rating), hide_index=True, width="stretch")

st.subheader("Карта сигналов")
points = resources.municipality_points()
mapped = [
    {"name": name, "lat": points[i][0], "lon": points[i][1], "count": int(count)}
    for i, name, count in zip(
        places["id"], places["Муниципалитет"], places["Сигналов"], strict=True
    )
    if int(i) in points
]
if mapped:
    layer = pdk.Layer(
        "ScatterplotLayer",
        data=mapped,
        get_position="[lon, lat]",
        get_radius="count * 300 + 2000",
        get_fill_color=[198, 40, 40, 140],
        pickable=True,
    )
    view = pdk.ViewState(latitude=mapped[0]["lat"], longitude=mapped[0]["lon"], zoom=5)
    st.pydeck_chart(
        pdk.Deck(layers=[layer], initial_view_state=view, tooltip={"text": "{name}: {count}"})
    )
else:
    st.caption("Нет сигналов в муниципалитетах с координатами.")
