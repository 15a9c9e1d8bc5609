"""Аналитика: the figures on the page are the database's."""

from collections.abc import Callable

from sqlalchemy import Engine
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from models.geo import Municipality
from tests.dashboard.conftest import open_page


def test_analytics_shows_volumes_topics_rating_and_map(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]], engine: Engine
) -> None:
    with Session(engine) as session:
        for place in session.exec(select(Municipality)):
            place.latitude, place.longitude = 58.08, 55.75
            session.add(place)
        session.commit()
    app = open_page(signed_in("operator"), "analytics")
    assert not app.exception
    topics = app.dataframe[0].value
    assert dict(zip(topics["Тема"], topics["Сигналов"], strict=True)) == {
        "Водоснабжение": 2,
        "Электроснабжение": 1,
    }
    assert app.metric[0].value == "0"
    rating = app.dataframe[1].value
    assert set(rating["Муниципалитет"]) == {
        "Краснокамский городской округ",
        "Чусовской городской округ",
    }
    assert len(app.get("deck_gl_json_chart")) == 1
