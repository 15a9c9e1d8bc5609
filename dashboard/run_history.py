"""«История обходов»: each source's crawl runs, and its health over the last day and week."""

from datetime import datetime
from typing import Any

import streamlit as st

from dashboard import columns, resources, views
from dashboard.crawl_runs import RunSummary, WindowFigures, latest_runs, run_summaries
from dashboard.text import escape_markdown
from models.clock import now
from models.crawl import ABANDONED_REASON, CrawlRun, CrawlRunStatus

RUNS_SHOWN = 50
RUN_STATUS_NAMES: dict[str, str] = {
    CrawlRunStatus.RUNNING: "идёт",
    CrawlRunStatus.OK: "успешно",
    CrawlRunStatus.FAILED: "ошибка",
    CrawlRunStatus.RATE_LIMITED: "лимит запросов",
    CrawlRunStatus.ABANDONED: "прерван",
}
ERROR_NAMES = {ABANDONED_REASON: "обход не завершился: процесс сбора остановлен или потерян"}


# Both tables fit a 1,366-px screen (`dashboard.columns`); the source takes the rest, and a
# run's whole error is in «Тексты ошибок» under its table.
SUMMARY_WIDTHS = {
    "Обходов за 24 ч": 116,
    "Сбоев за 24 ч": 104,
    "Новых за 24 ч": 104,
    "Обходов за 7 дней": 124,
    "Сбоев за 7 дней": 112,
    "Новых за 7 дней": 116,
}
SUMMARY_SIZED = columns.widths(["Источник", *SUMMARY_WIDTHS], SUMMARY_WIDTHS, rest="Источник")
SUMMARY_CONFIG = columns.config(
    SUMMARY_SIZED, numbers={name: "%d" for name in SUMMARY_WIDTHS if "Сбоев" not in name}
)
RUNS_WIDTHS = {
    "№": 56,
    "Начат": 84,
    "Длительность": 100,
    "Статус": 112,
    "Новых": 64,
    "Известных": 88,
    "В карантине": 96,
    "Ошибка": 120,
}
RUNS_SIZED = columns.widths(["Источник", *RUNS_WIDTHS], RUNS_WIDTHS, rest="Источник")
RUNS_CONFIG = columns.config(
    RUNS_SIZED, numbers={name: "%d" for name in ("№", "Новых", "Известных", "В карантине")}
)


def run_status(status: str) -> str:
    return RUN_STATUS_NAMES.get(status, status)


def run_error(run: CrawlRun) -> str:
    return ERROR_NAMES.get(run.error or "", run.error or "")


def duration(run: CrawlRun, *, at: datetime) -> str:
    """ "2 мин 05 с"; a run still going counts up to `at`; "—" when it never finished."""
    end = run.finished_at or (at if run.status == CrawlRunStatus.RUNNING else None)
    if end is None:
        return "—"
    seconds = max(0, int((end - run.started_at).total_seconds()))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours} ч {minutes:02d} мин"
    return f"{minutes} мин {seconds:02d} с" if minutes else f"{seconds} с"


def runs_table(
    runs: list[CrawlRun], *, names: dict[int, str], at: datetime
) -> list[dict[str, Any]]:
    """Display rows; a dataframe draws cells as plain text, so the error needs no escaping."""
    return [
        {
            "№": run.id,
            "Источник": columns.cut(
                names.get(run.source_id or 0, f"№{run.source_id}"), RUNS_SIZED["Источник"]
            ),
            "Начат": views.short_time(run.started_at),
            "Длительность": duration(run, at=at),
            "Статус": run_status(run.status),
            "Новых": run.new,
            "Известных": run.known,
            "В карантине": run.quarantined,
            "Ошибка": run_error(run),  # the column shows its start; whole in «Тексты ошибок»
        }
        for run in runs
    ]


def summary_table(names: dict[int, str], summaries: dict[int, RunSummary]) -> list[dict[str, Any]]:
    """One row per source; a source without runs shows zeros, itself a sign to look at (and
    "—" for its failure share: a blank cell would read «None»)."""
    empty = WindowFigures(runs=0, sick=0, new=0)
    rows = []
    for source_id, name in names.items():
        summary = summaries.get(source_id)
        day, week = (summary.day, summary.week) if summary else (empty, empty)
        rows.append(
            {
                "Источник": columns.cut(name, SUMMARY_SIZED["Источник"]),
                "Обходов за 24 ч": day.runs,
                "Сбоев за 24 ч": views.share(day.sick_share),
                "Новых за 24 ч": day.new,
                "Обходов за 7 дней": week.runs,
                "Сбоев за 7 дней": views.share(week.sick_share),
                "Новых за 7 дней": week.new,
            }
        )
    return rows


def error_texts(runs: list[CrawlRun]) -> None:
    """The full error of each listed run that has one, escaped: no markup in it takes effect."""
    failed = [run for run in runs if run.error]
    if not failed:
        return
    with st.expander(f"Тексты ошибок ({len(failed)})"):
        for run in failed:
            st.markdown(
                f"**№{run.id}** · {views.local_time(run.started_at)} · {run_status(run.status)}: "
                f"{escape_markdown(run_error(run))}"
            )


def show(names: dict[int, str]) -> None:
    """The section: the summary of every source, then the latest runs of the one picked."""
    st.subheader("История обходов")
    at = now()
    with resources.session() as db:
        summaries = run_summaries(db, at=at)
    st.caption("Сбои — обходы с ошибкой или прерванные (процесс сбора остановлен).")
    st.dataframe(
        summary_table(names, summaries),
        hide_index=True,
        width="stretch",
        column_config=SUMMARY_CONFIG,
    )
    picked = st.selectbox(
        "Обходы источника",
        [None, *names],
        format_func=lambda i: "все источники" if i is None else names[i],
        key="src_runs_pick",
    )
    with resources.session() as db:
        runs = latest_runs(db, source_id=picked, limit=RUNS_SHOWN)
    if not runs:
        st.info("Обходов пока не было.")
        return
    st.caption(f"Обходов: {len(runs)}, новые сверху.")
    st.dataframe(
        runs_table(runs, names=names, at=at),
        hide_index=True,
        width="stretch",
        column_config=RUNS_CONFIG,
    )
    error_texts(runs)
