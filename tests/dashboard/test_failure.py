"""A console page that fails says so in Russian, logs why and keeps the rest working: no
English error box, no traceback. The failures are real: a table the page reads is gone."""

import logging
from collections.abc import Callable

import pytest
from sqlalchemy import Engine, text
from streamlit.testing.v1 import AppTest

from dashboard import failure, sidebar
from models.login import ConsoleSession
from models.post import Post
from models.report import Report
from tests.dashboard.conftest import open_page

# a table is renamed away: on a file of this test's own, not the run's shared PostgreSQL
pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def _lose(engine: Engine, table: str) -> None:
    with engine.begin() as connection:
        connection.execute(text(f"ALTER TABLE {table} RENAME TO {table}_gone"))


def _errors(app: AppTest) -> tuple[list[str], list[str]]:
    """The error messages of the page and of its sidebar."""
    side = [e.value for e in app.sidebar.error]
    return [e.value for e in app.error if e.value not in side], side


def test_a_page_that_fails_says_so_in_russian_and_logs_why(
    signed_in: Callable[[str], AppTest],
    seeded: dict[str, list[int]],
    engine: Engine,
    caplog: pytest.LogCaptureFixture,
) -> None:
    _lose(engine, Report.__tablename__)
    with caplog.at_level(logging.ERROR, logger="dashboard.failure"):
        app = open_page(signed_in("operator"), "reports")
    assert not app.exception  # Streamlit's own box, with its English and links
    page, side = _errors(app)
    assert page == [failure.MESSAGE]
    # the sidebar's deadline counters read reports too: their own line, and «Выйти» stays
    assert side == [sidebar.NO_COUNTS]
    assert app.sidebar.button(key="sign_out").label == "Выйти"
    assert "console failure in page reports" in caplog.text
    assert "no such table: report" in caplog.text  # the detail is in the log, not on screen
    assert all("no such table" not in message for message in page + side)


def test_the_sidebar_s_failure_leaves_the_page_working(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]], engine: Engine
) -> None:
    """Инциденты reads no report, the sidebar's deadline counters do: only they fail."""
    app = signed_in("operator")
    _lose(engine, Report.__tablename__)
    sidebar._counts.clear()  # counted at sign-in, kept for COUNTS_TTL_SECONDS
    open_page(app, "incidents")
    assert not app.exception
    assert _errors(app) == ([], [sidebar.NO_COUNTS])
    assert app.dataframe  # the incidents' list is drawn


def test_signing_in_without_its_table_stops_with_a_russian_message(
    signed_in: Callable[[str], AppTest],
    seeded: dict[str, list[int]],
    engine: Engine,
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = signed_in("moderator")
    _lose(engine, ConsoleSession.__tablename__)
    with caplog.at_level(logging.ERROR, logger="dashboard.failure"):
        app.run()
    assert not app.exception
    assert [e.value for e in app.error] == [failure.MESSAGE]
    assert not app.dataframe  # the run stopped there: no page drawn under the message
    assert "console failure in signing in" in caplog.text


def test_the_queue_s_list_fails_inside_its_own_part_of_the_page(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]], engine: Engine
) -> None:
    """The queue's list and post are a fragment, rerun alone after each decision: its failure
    is said in Russian in its place, and the filters above it stay."""
    app = signed_in("moderator")
    _lose(engine, Post.__tablename__)
    open_page(app, "queue")
    assert not app.exception
    assert _errors(app) == ([failure.MESSAGE], [])
    assert not app.dataframe and app.selectbox  # no list; the filters are drawn
