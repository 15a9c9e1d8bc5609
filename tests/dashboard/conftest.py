"""Console tests: AppTest sessions on the `configured` test database, one user per role."""

import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import streamlit as st
from sqlalchemy import Engine
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from models.user import Role
from tests.dashboard.browser import serving
from triage.accounts import create_user

if TYPE_CHECKING:
    from nlp.lemmas import Lemmatizer

ROOT = Path(__file__).resolve().parents[2]
DASHBOARD = ROOT / "dashboard"
APP = DASHBOARD / "app.py"
PASSWORD = "пароль-для-тестов"
TIMEOUT = 30


@pytest.fixture(autouse=True)
def fresh_reference_data() -> None:
    """Reference data is cached per database URL; PostgreSQL tests reuse one URL, emptied."""
    st.cache_data.clear()


@pytest.fixture
def console_users(configured: str, engine: Engine) -> dict[str, str]:
    """A user per role (username = role name), all with `PASSWORD`."""
    with Session(engine) as session:
        for role in Role:
            create_user(session, username=str(role), password=PASSWORD, role=role)
    return {str(role): str(role) for role in Role}


def log_in(username: str, password: str = PASSWORD) -> AppTest:
    """The console after typing the credentials into the login form."""
    app = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    app.text_input(key="login_username").input(username)
    app.text_input(key="login_password").input(password)
    app.button(key="login_submit").click().run()
    return app


@pytest.fixture
def signed_in(console_users: dict[str, str]) -> Callable[[str], AppTest]:
    return log_in


def open_page(app: AppTest, page: str) -> AppTest:
    """Switch a signed-in console to `screens/<page>.py`."""
    return app.switch_page(f"screens/{page}.py").run()


def run_page_file(app: AppTest, page: str) -> AppTest:
    """Run `screens/<page>.py` itself with the session of `app`: what a page run that began
    before a change of the user's role or territory would meet (the navigation no longer
    registers a page the user may not open, so `open_page` cannot reach it)."""
    direct = AppTest.from_file(str(DASHBOARD / "screens" / f"{page}.py"), default_timeout=TIMEOUT)
    for key, value in app.session_state.to_dict().items():
        direct.session_state[key] = value
    return direct.run()


def texts(app: AppTest) -> str:
    """All visible text of the last run, for assertions."""
    parts = [e.value for e in app.title] + [e.value for e in app.markdown]
    parts += (
        [e.value for e in app.error] + [e.value for e in app.info] + [e.value for e in app.caption]
    )
    return "\n".join(str(part) for part in parts)


POST_TEXTS = [
    "В Краснокамске на улице Ленина прорвало трубу, вода заливает двор",
    "Краснокамск, ул. Ленина: трубу прорвало ещё вчера, никто не едет",
    "В Чусовом третий день нет света на улице Мира",
]


@pytest.fixture(scope="session")
def lemmatizer() -> "Lemmatizer":
    from nlp.lemmas import Lemmatizer

    return Lemmatizer()


@pytest.fixture
def seeded(
    console_users: dict[str, str], engine: Engine, lemmatizer: "Lemmatizer"
) -> dict[str, list[int]]:
    """Reference data and three triaged posts that need review (two about one problem)."""
    from datetime import timedelta

    from models.annotation import Annotation
    from models.clock import now
    from models.geo import Municipality
    from models.post import PipelineStage, Post, PostCreate
    from models.post_store import store_posts
    from models.source import Source, SourceKind
    from models.taxonomy import Category, Topic
    from triage.stage import triage_posts
    from triage.thresholds import Thresholds

    with Session(engine, expire_on_commit=False) as session:
        session.add_all(
            [
                Category(code="zhkh", name="ЖКХ", position=1),
                Category(code="roads", name="Дороги", position=2),
                Topic(code="zhkh.water", category_code="zhkh", name="Водоснабжение"),
                Topic(code="zhkh.power", category_code="zhkh", name="Электроснабжение"),
                Topic(code="roads.pits", category_code="roads", name="Ямы на дорогах"),
            ]
        )
        krasnokamsk = Municipality(region_code="57", name="Краснокамский городской округ")
        chusovoy = Municipality(region_code="57", name="Чусовской городской округ")
        source = Source(kind=SourceKind.VK_WALL, name="Типичный Краснокамск", target="-1")
        session.add_all([krasnokamsk, chusovoy, source])
        session.commit()
        published = now() - timedelta(hours=2)
        posts = [
            PostCreate(
                external_id=str(number),
                text=text,
                text_original=text,
                published_at=published + timedelta(minutes=number),
                url=f"https://vk.com/wall-1_{number}",
                views=100 * (number + 1),
            )
            for number, text in enumerate(POST_TEXTS)
        ]
        ids = store_posts(
            session, source_id=source.id or 0, posts=posts, lemmatize=lemmatizer.lemmatize_text
        ).new_ids
        places = [krasnokamsk.id, krasnokamsk.id, chusovoy.id]
        topics = [("zhkh", "zhkh.water"), ("zhkh", "zhkh.water"), ("zhkh", "zhkh.power")]
        # the third post's runner-up topics: one in the taxonomy, one no longer in it
        alternatives = [{"topic": "roads.pits", "category": "roads", "confidence": 0.31},
                        {"topic": "zhkh.gone", "category": "zhkh", "confidence": 0.12}]  # fmt: skip
        for number, (post_id, place, (category, topic)) in enumerate(
            zip(ids, places, topics, strict=True)
        ):
            reasons = {"cues": ["прорвало", "нет света"]}
            if number == 2:
                reasons["alternatives"] = alternatives
            session.add(
                Annotation(
                    post_id=post_id,
                    signal_confidence=0.7,
                    category_code=category,
                    category_confidence=0.6,
                    topic_code=topic,
                    topic_confidence=0.5,
                    municipality_id=place,
                    municipality_confidence=0.9,
                    municipality_span="Краснокамске" if place == krasnokamsk.id else "Чусовом",
                    reasons=reasons,
                )
            )
            post = session.get(Post, post_id)
            assert post is not None
            post.stage = PipelineStage.ANNOTATED
            session.add(post)
        session.commit()
        triage_posts(session, post_ids=ids, thresholds=Thresholds())
    return {"posts": ids}


@dataclass(frozen=True)
class Emptied:
    pipe: int  # two posts: the one left with posts
    merged: int  # split out of `pipe`, then merged back into it
    emptied: int  # its only post was «Не сигнал»


@pytest.fixture
def emptied(seeded: dict[str, list[int]], engine: Engine) -> Emptied:
    """The seeded two incidents, and a third: each way an incident is left with no posts."""
    from sqlmodel import col, select

    from models.incident import Incident, IncidentPost, IncidentStatus
    from tests.triage.factories import not_a_signal
    from triage.incidents import merge_incidents, split_incident

    first, second, light = seeded["posts"]
    with Session(engine) as session:
        pipe = session.get_one(IncidentPost, first).incident_id
        lamp = session.get_one(IncidentPost, light).incident_id
        version = session.get_one(Incident, pipe).version
        split = split_incident(session, incident_id=pipe, post_ids=[second], actor="moderator",
                               user_id=None, expected_version=version)  # fmt: skip
        session.commit()
        merged = split.id or 0
        versions = {i: session.get_one(Incident, i).version for i in (pipe, merged)}
        merge_incidents(session, target_id=pipe, source_ids=[merged], actor="moderator",
                        user_id=None, expected_versions=versions)  # fmt: skip
        session.commit()
        not_a_signal(session, light, actor="moderator")
        states = {
            i.id: (i.status, i.post_count)
            for i in session.exec(select(Incident).order_by(col(Incident.id)))
        }
    assert states == {
        pipe: (IncidentStatus.OPEN, 2),
        merged: (IncidentStatus.MERGED, 0),
        lamp: (IncidentStatus.CLOSED, 0),
    }
    return Emptied(pipe=pipe, merged=merged, emptied=lamp)


@pytest.fixture
def console(configured: str, seeded: dict[str, list[int]]) -> Iterator[str]:
    """`otklik dashboard` on a free port against the seeded test database."""
    with serving(dashboard, env={**os.environ, "OTKLIK_DATABASE_URL": configured}, cwd=ROOT) as url:
        yield url


def dashboard(port: int) -> list[str]:
    """The command line of `otklik dashboard` on `port`."""
    return [sys.executable, "-m", "otklik", "dashboard", "--port", str(port)]
