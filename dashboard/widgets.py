"""Building blocks the pages share: a post card, a page switcher."""

import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import streamlit as st

from dashboard import resources, views
from dashboard.text import escape_markdown, highlight
from models.annotation import Annotation
from models.post import Post
from triage.export import ExportFormat, column_names, export_rows


def page_number(key: str, *, container: Any = st) -> int:
    """A zero-based page index chosen by the user (shown one-based), in `container`."""
    return int(container.number_input("Страница", min_value=1, value=1, step=1, key=key)) - 1


def post_card(post: Post, annotation: Annotation | None = None) -> None:
    """A post with its place and the model's cues highlighted; text always escaped."""
    with st.container(border=True):
        source = resources.sources().get(post.source_id, f"источник №{post.source_id}")
        published = views.local_time(post.published_at)
        st.caption(
            f"пост №{post.id} · {escape_markdown(source)} · {published} · {views.reach(post)}"
        )
        st.markdown(highlight(post.text, views.marks(annotation)))
        if post.url and post.url.startswith(("https://", "http://")):
            st.link_button("Открыть оригинал", post.url)


def export_buttons(rows: Callable[[], Sequence[Any]], *, file_stem: str) -> None:
    """CSV and XLSX downloads of `rows()` (triage's exporter; columns are the row's fields)."""
    with st.expander("Выгрузка"):
        fmt = st.radio("Формат", list(ExportFormat), horizontal=True, key="export_fmt")
        if st.button("Подготовить файл", key="export_prepare"):
            records = rows()
            if not records:
                st.info("Выгружать нечего.")
                return
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / f"{file_stem}.{fmt}"
                count = export_rows(
                    records, columns=column_names(type(records[0])), path=path, fmt=fmt
                )
                data = path.read_bytes()
            st.session_state["export_file"] = (path.name, data, count)
        if prepared := st.session_state.get("export_file"):
            name, data, count = prepared
            st.download_button(
                f"Скачать {name} ({count} строк)", data, file_name=name, key="export_download"
            )
