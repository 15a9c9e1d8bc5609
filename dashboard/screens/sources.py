"""Источники: crawl sources with their health and crawl history; add, run now, switch off/on.

Sources are region-wide: a user scoped to municipalities sees them but changes nothing, and
each change re-checks the territory at the click.
"""

import logging

import streamlit as st
from sqlmodel import Session

from dashboard import actions, auth, names, resources, run_history, views
from dashboard.crawling import CrawlMessage, crawl_now
from dashboard.queries import sources_with_daily_posts
from ingest.sources import get_or_create_source, set_source_enabled, set_source_role
from models.source import Source, SourceCreate, SourceKind, SourceRole
from triage.accounts import Right, has_right
from triage.audit import record_event
from triage.errors import NotFound

SETTING = "sources"
CRAWLED = [SourceKind.VK_WALL, SourceKind.VK_COMMENTS, SourceKind.VK_SEARCH, SourceKind.TELEGRAM]

log = logging.getLogger(__name__)
login = auth.require(Right.VIEW_SOURCES)


def _switch(db: Session, *, source_id: int, enabled: bool) -> Source:
    """Switch a source off or on, audited in the same transaction (perform() commits)."""
    known = db.get(Source, source_id)
    if known is None:
        raise NotFound("source", source_id)
    before = {"enabled": known.enabled, "status": known.status}
    source = set_source_enabled(db, source_id=source_id, enabled=enabled)
    if source is None:
        raise NotFound("source", source_id)
    record_event(
        db,
        actor=login.username,
        user_id=login.user_id,
        entity_type="source",
        entity_id=source_id,
        action="enable" if enabled else "disable",
        before=before,
        after={"enabled": source.enabled, "status": source.status},
    )
    return source


def _set_role(db: Session, *, source_id: int, role: SourceRole) -> Source:
    """An operator's role for a source, audited (perform() commits)."""
    known = db.get(Source, source_id)
    if known is None:
        raise NotFound("source", source_id)
    before = {"role": known.role, "role_guessed": known.role_guessed}
    source = set_source_role(db, source_id=source_id, role=role)
    if source is None:
        raise NotFound("source", source_id)
    record_event(db, actor=login.username, user_id=login.user_id, entity_type="source",
                 entity_id=source_id, action="set_role", before=before,
                 after={"role": source.role, "role_guessed": False})  # fmt: skip
    return source


def _on_role(source_id: int, widget_key: str) -> None:
    """The callback of «Сохранить роль»."""
    role = SourceRole(st.session_state[widget_key])
    actions.perform(auth.regional(lambda db: _set_role(db, source_id=source_id, role=role),
                                  setting=SETTING),
                    done="Роль источника сохранена.", right=Right.MANAGE_SOURCES)  # fmt: skip


def _on_switch(source_id: int, enabled: bool) -> None:
    """The callback of «Выключить»/«Включить»: runs before the table is drawn again."""
    actions.perform(
        auth.regional(
            lambda db: _switch(db, source_id=source_id, enabled=enabled), setting=SETTING
        ),
        done=f"Источник {'включён' if enabled else 'выключен'}.",
        right=Right.MANAGE_SOURCES,
    )


st.title("Источники")

with resources.session() as db:
    rows = sources_with_daily_posts(db)
if rows:
    sources, per_day = [source for source, _ in rows], [day for _, day in rows]
    st.dataframe(
        views.sources_table(sources, per_day),
        hide_index=True,
        width="stretch",
        column_config=views.SOURCE_CONFIG,
    )
    with st.expander("Что собирается и последние ошибки"):
        for source in sources:
            st.markdown(views.source_details(source))
else:
    st.info("Источников пока нет.")

if rows:
    run_history.show({source.id or 0: source.name for source, _ in rows})

if not has_right(login.role, Right.MANAGE_SOURCES):
    st.stop()
if not login.scope.is_regional:  # read again at every run: a button's run checks it anew
    st.info(auth.REGION_WIDE)
    st.stop()

everything = {source.id: source for source, _ in rows}
if everything:
    st.markdown("**Включить или выключить**")
    picked = st.selectbox(
        "Источник",
        list(everything),
        format_func=lambda i: (
            f"{everything[i].name} ({'вкл.' if everything[i].enabled else 'выкл.'})"
        ),
        key="src_switch_pick",
    )
    turn_on = not everything[picked].enabled
    st.button(
        "Включить" if turn_on else "Выключить",
        key="src_switch",
        on_click=_on_switch,
        args=(picked or 0, turn_on),
        help="Выключенный источник не собирается; его посты остаются.",
    )

if everything:
    st.markdown("**Роль источника**")
    st.caption(
        "Собственные посты и ответы страницы администрации никогда не считаются сигналами "
        "жителей. Роль без отметки оператора угадана по первому сбору."
    )
    role_pick = st.selectbox(
        "Источник",
        list(everything),
        format_func=lambda i: f"{everything[i].name}: {views.role_name(everything[i])}",
        key="src_role_pick",
    )
    role_key = f"src_role_{role_pick}"  # keyed by the source: a value never leaks to another
    current_role = everything[role_pick].role
    st.selectbox(
        "Роль",
        list(SourceRole),
        index=list(SourceRole).index(SourceRole(current_role)) if current_role else 0,
        format_func=lambda r: views.ROLE_NAMES[r],
        key=role_key,
    )
    st.button("Сохранить роль", key="src_role_save", on_click=_on_role,
              args=(role_pick or 0, role_key))  # fmt: skip

runnable = {source.id: source.name for source, _ in rows if source.enabled}
if runnable:
    st.markdown("**Собрать сейчас**")  # a heading like the sections above: which source
    chosen = st.selectbox(
        "Источник", list(runnable), format_func=runnable.__getitem__, key="src_pick"
    )
    if st.button("Собрать сейчас", key="src_run") and auth.allowed(Right.MANAGE_SOURCES):
        with st.spinner("Сбор…"):
            try:
                outcome = crawl_now(
                    resources.settings(), engine=resources.engine(), source_id=chosen or 0
                )
            except Exception:  # the action's boundary: the detail to the log, words on screen
                log.exception("crawl of source %s failed", chosen)
                outcome = CrawlMessage(False, "Сбор не удался из-за внутренней ошибки. "
                                              "Подробности — в журнале сервера.")  # fmt: skip
        with resources.session() as db:
            record_event(
                db,
                actor=login.username,
                user_id=login.user_id,
                entity_type="source",
                entity_id=chosen or 0,
                action="run_now",
                before=None,
                after={"result": outcome.text, "ok": outcome.ok},
            )
            db.commit()
        (st.success if outcome.ok else st.error)(outcome.text)
    auth.show_notice()

with st.form("src_add", clear_on_submit=True):
    st.markdown("**Новый источник**")
    kind = st.selectbox("Тип", CRAWLED, format_func=names.source_kind, key="src_kind")
    target = st.text_input(
        "Что собирать", key="src_target", help="id сообщества (-123), запрос или канал Telegram"
    )
    name = st.text_input("Название", key="src_name")
    hot = st.checkbox("Собирать часто (администрация)", key="src_hot")
    new_role = st.selectbox(
        "Роль", [None, *SourceRole], key="src_new_role",
        format_func=lambda r: views.ROLE_NAMES[r] if r else "угадать по первому сбору",
    )  # fmt: skip
    added = st.form_submit_button("Добавить", key="src_add_submit")
if added:
    if not target.strip():
        st.error("Укажите, что собирать.")
    else:
        with resources.session() as db:
            source = get_or_create_source(
                db,
                source=SourceCreate(
                    kind=kind,
                    name=name.strip() or target.strip(),
                    target=target.strip(),
                    hot=hot,
                    role=new_role,
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
