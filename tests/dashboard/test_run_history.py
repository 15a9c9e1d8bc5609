"""Источники → История обходов: runs with Russian statuses, inert error text, the summary."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from dashboard.crawl_runs import RunSummary, WindowFigures, run_summaries
from models.clock import now
from models.crawl import ABANDONED_REASON, CrawlRun
from models.source import Source
from tests.dashboard.conftest import open_page

SCRIPT = "<script>alert('vk')</script> HTTP 500"


@dataclass(frozen=True)
class Seed:
    source: str  # "perm" or "krasnokamsk"; a third source, "chusovoy", has no runs
    ago: timedelta
    status: str
    new: int = 0
    known: int = 0
    quarantined: int = 0
    error: str | None = None
    took: timedelta | None = timedelta(seconds=30)  # None: not finished


# Oldest first, as a crawler writes them.
SEEDS = [
    Seed("perm", timedelta(days=10), "ok", new=100),  # outside the 7 days
    Seed("perm", timedelta(days=3), "failed", error=SCRIPT),
    Seed("perm", timedelta(days=3, hours=-1), "ok", new=7, known=3),
    Seed(
        "perm",
        timedelta(hours=5),
        "ok",
        new=4,
        known=10,
        quarantined=1,
        took=timedelta(seconds=125),
    ),
    Seed("perm", timedelta(hours=4), "rate_limited", new=1, error="rate limit: retry in 60 s"),
    Seed("perm", timedelta(hours=3), "abandoned", error=ABANDONED_REASON),
    Seed("krasnokamsk", timedelta(hours=2), "ok", new=2, known=5),
    Seed("perm", timedelta(minutes=10), "running", took=None),
]
# From SEEDS: Пермь in 24 h — 4 runs, 1 sick (abandoned), 4 + 1 new; in 7 days — 6 runs,
# 2 sick (failed, abandoned), 7 + 4 + 1 new. Краснокамск — 1 run, 0 sick, 2 new, both windows.
PERM_DAY = WindowFigures(runs=4, sick=1, new=5)
PERM_WEEK = WindowFigures(runs=6, sick=2, new=12)
KRASNOKAMSK = WindowFigures(runs=1, sick=0, new=2)


def seed_runs(engine: Engine, *, at: datetime) -> dict[str, int]:
    """Three sources and the runs of `SEEDS`, started relative to `at`; source ids by key."""
    with Session(engine, expire_on_commit=False) as session:
        sources = {
            "perm": Source(kind="vk_wall", name="Администрация Перми", target="-1"),
            "krasnokamsk": Source(kind="vk_wall", name="Типичный Краснокамск", target="-2"),
            "chusovoy": Source(kind="telegram", name="Чусовой онлайн", target="chusovoy"),
        }
        session.add_all(sources.values())
        session.commit()
        ids = {key: source.id or 0 for key, source in sources.items()}
        for seed in SEEDS:
            started = at - seed.ago
            session.add(
                CrawlRun(
                    source_id=ids[seed.source],
                    started_at=started,
                    finished_at=started + seed.took if seed.took else None,
                    status=seed.status,
                    new=seed.new,
                    known=seed.known,
                    quarantined=seed.quarantined,
                    error=seed.error,
                )
            )
            session.commit()
    return ids


def test_summary_counts_runs_sick_runs_and_new_posts_per_window(engine: Engine) -> None:
    at = now()
    ids = seed_runs(engine, at=at)
    with Session(engine) as session:
        summaries = run_summaries(session, at=at)
    assert summaries == {
        ids["perm"]: RunSummary(source_id=ids["perm"], day=PERM_DAY, week=PERM_WEEK),
        ids["krasnokamsk"]: RunSummary(
            source_id=ids["krasnokamsk"], day=KRASNOKAMSK, week=KRASNOKAMSK
        ),
    }
    assert (PERM_DAY.sick_share, PERM_WEEK.sick_share) == (0.25, pytest.approx(1 / 3))


def test_runs_listed_newest_first_with_russian_statuses(
    signed_in: Callable[[str], AppTest], engine: Engine
) -> None:
    ids = seed_runs(engine, at=now())
    app = open_page(signed_in("operator"), "sources")
    assert not app.exception
    assert any(header.value == "История обходов" for header in app.subheader)
    runs = app.dataframe[2].value
    assert list(runs["Статус"]) == [
        "идёт",
        "успешно",
        "прерван",
        "лимит запросов",
        "успешно",
        "успешно",
        "ошибка",
        "успешно",
    ]
    assert list(runs["Источник"])[:2] == ["Администрация Перми", "Типичный Краснокамск"]
    assert list(runs["Новых"]) == [0, 2, 0, 1, 4, 7, 0, 100]
    assert list(runs["В карантине"]) == [0, 0, 0, 0, 1, 0, 0, 0]
    durations = list(runs["Длительность"])
    assert durations[4] == "2 мин 05 с"
    assert durations[0].startswith("10 мин")  # still running: counts up to now
    assert list(runs["Ошибка"])[2] == "обход не завершился: процесс сбора остановлен или потерян"

    app.selectbox(key="src_runs_pick").select(ids["krasnokamsk"]).run()
    assert not app.exception
    runs = app.dataframe[2].value
    assert (list(runs["Источник"]), list(runs["Статус"]), list(runs["Известных"])) == (
        ["Типичный Краснокамск"],
        ["успешно"],
        [5],
    )

    app.selectbox(key="src_runs_pick").select(ids["chusovoy"]).run()
    assert "Обходов пока не было." in [info.value for info in app.info]


def test_error_text_is_inert(signed_in: Callable[[str], AppTest], engine: Engine) -> None:
    seed_runs(engine, at=now())
    app = open_page(signed_in("operator"), "sources")
    assert not app.exception
    # The grid draws cells as plain text: the error is kept as typed, never parsed.
    assert SCRIPT in list(app.dataframe[2].value["Ошибка"])
    errors = [m for m in app.markdown if "HTTP 500" in m.value]
    assert len(errors) == 1
    assert not errors[0].allow_html
    assert r"\<script\>alert\(\'vk\'\)\<\/script\> HTTP 500" in errors[0].value
    assert "<script>" not in errors[0].value


def test_summary_table_shows_the_figures_of_every_source(
    signed_in: Callable[[str], AppTest], engine: Engine
) -> None:
    seed_runs(engine, at=now())
    app = open_page(signed_in("operator"), "sources")
    assert not app.exception
    summary = app.dataframe[1].value
    assert list(summary["Источник"]) == [
        "Администрация Перми",
        "Типичный Краснокамск",
        "Чусовой онлайн",
    ]
    assert list(summary["Обходов за 24 ч"]) == [4, 1, 0]
    assert list(summary["Новых за 24 ч"]) == [5, 2, 0]
    assert list(summary["Обходов за 7 дней"]) == [6, 1, 0]
    assert list(summary["Новых за 7 дней"]) == [12, 2, 0]
    assert list(summary["Сбоев за 24 ч"]) == ["25%", "0%", "—"]
    assert list(summary["Сбоев за 7 дней"]) == ["33%", "0%", "—"]
