"""Источники: crawl sources with their health; add one, run one now."""

import streamlit as st

from dashboard import auth, resources, views
from dashboard.crawling import crawl_now
from dashboard.queries import sources_with_daily_posts
from ingest.sources import get_or_create_source
from models.source import SourceCreate, SourceKind
from triage.accounts import Right, has_right
from triage.audit import record_event

CRAWLED = [SourceKind.VK_WALL, SourceKind.VK_COMMENTS, SourceKind.VK_SEARCH, SourceKind.TELEGRAM]
KIND_NAMES = {
    SourceKind.VK_WALL: "стена ВКонтакте",
    SourceKind.VK_COMMENTS: "комментарии ВКонтакте",
    SourceKind.VK_SEARCH: "поиск ВКонтакте",
    SourceKind.TELEGRAM: "канал Telegram",
}

login = auth.require(Right.VIEW_SOURCES)
st.title("Источники")

with resources.session() as db:
    rows = sources_with_daily_posts(db)
if rows:
    table = views.sources_table([source for source, _ in rows])
    for row, (_, per_day) in zip(table, rows, strict=True):
        row["Постов за сутки"] = per_day
    st.dataframe(table, hide_index=True, width="stretch")
else:
    st.info("Источников пока нет.")

if not has_right(login.role, Right.MANAGE_SOURCES):
    st.stop()

names = {source.id: source.name for source, _ in rows if source.enabled}
if names:
    chosen = st.selectbox("Источник", list(names), format_func=names.__getitem__, key="src_pick")
    if st.button("Собрать сейчас", key="src_run"):
        with st.spinner("Сбор…"):
            message = crawl_now(resources.settings(), engine=resources.engine(), source_id=chosen)
        with resources.session() as db:
            record_event(
                db,
                actor=login.username,
                user_id=login.user_id,
                entity_type="source",
                entity_id=chosen or 0,
                action="run_now",
                before=None,
                after={"result": message},
            )
            db.commit()
        st.success(message)

with st.form("src_add", clear_on_submit=True):
    st.markdown("**Новый источник**")
    kind = st.selectbox("Тип", CRAWLED, format_func=KIND_NAMES.__getitem__, key="src_kind")
    target = st.text_input(
        "Что собирать", key="src_target", help="id сообщества (-123), запрос или канал Telegram"
    )
    name = st.text_input("Название", key="src_name")
    hot = st.checkbox("Собирать часто (администрация)", key="src_hot")
    added = st.form_submit_button("Добавить", key="src_add_submit")
if added:
    if not target.strip():
        st.error("Укажите, что собирать.")
    else:
        with resources.session() as db:
            source = get_or_create_source(
                db,
                source=SourceCreate(
                    kind=kind, name=name.strip() or target.strip(), target=target.strip(), hot=hot
                ),
            )
            record_event(
                db,
                actor=login.username,
                user_id=login.user_id,
                entity_type="source",
                entity_id=source.id or 0,
                action="create",
                before=None,
                after={"kind": source.kind, "target": source.target, "name": source.name},
            )
            db.commit()
        resources.clear_reference_data()
        st.rerun()
