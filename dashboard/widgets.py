"""Building blocks the pages share: a post card, a page switcher."""

import tempfile
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import streamlit as st

from dashboard import links, resources, views
from dashboard.text import escape_markdown, highlight
from models.annotation import Annotation
from models.post import Post, PostKind
from triage.export import ExportFormat, column_names, export_rows


def page_number(key: str) -> int:
    """The zero-based page index the box `key` holds (`page_box`; 0 before it was shown)."""
    return int(st.session_state.get(key, 1)) - 1


def page_box(key: str, *, more: bool, container: Any = st) -> None:
    """The «Страница» box (shown one-based) in `container`, when there is something to page
    through: `more` than one page, or a page past the first to come back from. Not shown, its
    value goes with it: the list is on its first page."""
    if more or page_number(key) > 0:
        container.number_input("Страница", min_value=1, value=1, step=1, key=key)


def post_card(
    post: Post,
    annotation: Annotation | None = None,
    *,
    linked: bool = False,
    text_key: str | None = None,
) -> None:
    """A post with its place and the model's cues highlighted; text always escaped.

    `linked`: the number opens the post's own page (its address can be shared).
    `text_key`: the text's own container key (`density.SCROLLED_TEXT_KEY`: a long text
    scrolls inside the card, so what is under it stays on the screen)."""
    with st.container(border=True):
        source = resources.sources().get(post.source_id, f"источник №{post.source_id}")
        published = views.local_time(post.published_at)
        number = f"пост №{post.id}"
        if linked:
            number = f"[{number}](post?id={post.id})"
        url = links.original_url(post, source_kind=resources.source_kinds().get(post.source_id))
        # the original's link on the card's first line: a button of its own under the text
        # took a row, and under a long post in the queue pushed the decisions off the screen
        original = (
            f"[открыть оригинал]({links.markdown_url(url)})" if url else "ссылки нет: из файла"
        )
        st.caption(
            f"{number} · {escape_markdown(source)} · {published} · {views.reach(post)} · {original}"
        )
        with st.container(key=text_key) if text_key else nullcontext():
            st.markdown(highlight(post.text, views.marks(annotation)))


THREAD_PARAM = "thread"  # ?thread=<source id>:<the post's external id>
INCIDENT_PARAM = "incident"  # the queue's ?incident=N: that incident's posts
PARENT_CHARS = 300  # the parent's text shown above a comment: enough to know what it answers
# In the queue, two lines beside the list at 1,366 px after the parent's number, source and
# time: a news post's 300 characters took seven and pushed the decision buttons under the
# screen's edge (the whole parent is a click away: its number and «вся ветка в очереди»).
QUEUE_PARENT_CHARS = 110


def in_reply_to(
    post: Post, parent: Post | None, *, thread_link: bool = False, chars: int = PARENT_CHARS
) -> None:
    """What a comment or reply answers, above it (at most `chars` of the parent's text):
    «у нас тоже» means nothing alone. `thread_link`: the queue's link to its whole thread
    there (`thread_address`)."""
    if not post.parent_external_id:
        return
    thread = f" · [вся ветка в очереди]({thread_address(post, parent)})" if thread_link else ""
    if parent is None:
        st.caption(f"↳ Комментарий к посту, которого нет в базе: исходный пост не собран.{thread}")
        return
    what = "комментарий" if parent.kind == PostKind.COMMENT else "пост"
    source = resources.sources().get(parent.source_id, f"источник №{parent.source_id}")
    text = " ".join(parent.text.split())
    if len(text) > chars:
        text = text[:chars].rsplit(" ", 1)[0] + " …"
    st.caption(
        f"↳ В ответ на [{what} №{parent.id}](post?id={parent.id}) · {escape_markdown(source)} · "
        f"{views.local_time(parent.published_at)}: «{escape_markdown(text)}»{thread}"
    )


def incident_queue_address(incident_id: int) -> str:
    """The queue narrowed to one incident's posts (`triage.queue.QueueFilters.incident_id`)."""
    return "queue?" + urlencode({INCIDENT_PARAM: incident_id})


def thread_address(post: Post, parent: Post | None) -> str:
    """The queue narrowed to the thread of a comment: the post it is under, all that post's
    comments and their replies (`triage.queue.QueueFilters.thread`). A reply's parent is a
    comment, whose own parent is the post."""
    root = post.parent_external_id or ""
    if parent is not None and parent.kind == PostKind.COMMENT and parent.parent_external_id:
        root = parent.parent_external_id
    return "queue?" + urlencode({THREAD_PARAM: f"{post.source_id}:{root}"})


def public_answers(answers: Sequence[Post]) -> None:
    """The page's own public replies under a resident's post (issue 13), oldest first."""
    for answer in answers:
        source = resources.sources().get(answer.source_id, f"источник №{answer.source_id}")
        st.info(
            f"**Публичный ответ администрации** · {escape_markdown(source)} · "
            f"{views.local_time(answer.published_at)}\n\n{escape_markdown(answer.text)}",
            icon=":material/campaign:",
        )


def export_buttons(rows: Callable[[], Sequence[Any]], *, file_stem: str) -> None:
    """CSV and XLSX downloads of `rows()` (triage's exporter; columns are the row's fields)."""
    with st.expander("Выгрузка"):
        fmt = st.radio(
            "Формат",
            list(ExportFormat),
            format_func=lambda chosen: str(chosen.value).upper(),
            horizontal=True,
            key="export_fmt",
        )
        if st.button("Подготовить файл", key="export_prepare"):
            records = rows()
            if not records:
                st.info("Выгружать нечего.")
                return
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / f"{file_stem}.{fmt}"
                count = export_rows(
                    records,
                    columns=column_names(type(records[0])),
                    path=path,
                    fmt=fmt,
                    zone=ZoneInfo(resources.settings().timezone),
                    topic_names={code: name for code, (_, name) in resources.topics().items()},
                )
                data = path.read_bytes()
            st.session_state["export_file"] = (path.name, data, count)
        if prepared := st.session_state.get("export_file"):
            name, data, count = prepared
            st.download_button(
                f"Скачать {name} ({count} строк)", data, file_name=name, key="export_download"
            )
