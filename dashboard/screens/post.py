"""Пост (`/post?id=N`): one post by its address, with the model's reading, its incident
and report."""

import streamlit as st
from sqlmodel import col, select

from dashboard import auth, names, resources, views, widgets
from dashboard.record_ids import record_id
from models.annotation import Annotation
from models.incident import Incident, IncidentPost
from models.parents import parent_post
from models.post import Post
from triage.accounts import Right
from triage.answers import public_answers
from triage.reports import open_report

login = auth.require(Right.VIEW_INCIDENTS)

post_id = record_id("id")
st.title(f"Пост №{post_id}" if post_id else "Пост")
if post_id is None:
    st.info("Откройте пост по ссылке из очереди, инцидента или обращения.")
    st.stop()

with resources.session() as db:
    post = db.get(Post, post_id)
    annotation = db.exec(
        select(Annotation).where(Annotation.post_id == post_id, col(Annotation.is_current))
    ).first()
    member = db.get(IncidentPost, post_id)
    incident = db.get(Incident, member.incident_id) if member else None
    report = open_report(db, incident_id=incident.id) if incident and incident.id else None
    answers = public_answers(db, post_ids=[post_id]).get(post_id, [])
    parent = parent_post(db, post) if post else None
place_id = annotation.municipality_id if annotation else None
if post is None or not login.scope.covers_municipality(place_id):
    st.warning(f"Пост №{post_id} не найден.")
    st.stop()

widgets.in_reply_to(post, parent)
widgets.post_card(post, annotation)
widgets.public_answers(answers)
reading = "модель ещё не разметила этот пост"
if annotation is not None:
    place = (
        views.municipality_name(annotation.municipality_id)
        if annotation.municipality_id
        else "не определён"
    )
    reading = (
        f"категория: {views.category_name(annotation.category_code)} · "
        f"тема: {views.topic_name(annotation.topic_code)} · "
        f"муниципалитет: {place}"
        if annotation.category_code
        else "модель не нашла здесь сигнала"
    )
st.caption(
    f"{names.review_status(post.review_status)} · "
    f"{names.POST_KIND_NAMES.get(post.kind, 'пост')} · {reading}"  # type: ignore[call-overload]
)
if incident is not None:
    st.page_link(
        "screens/incidents.py",
        label=f"Инцидент №{incident.id}: {views.short_title(incident.title)}",
        icon=":material/report:",
        query_params={"incident": str(incident.id)},
    )
else:
    st.caption("Пост не входит ни в один инцидент.")
if report is not None:
    st.page_link(
        "screens/reports.py",
        label=f"Обращение №{report.id}: {views.report_status(report.status)}",
        icon=":material/assignment:",
        query_params={"report": str(report.id)},
    )
