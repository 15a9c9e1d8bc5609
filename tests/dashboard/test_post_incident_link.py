"""A post's page links its incident by a title cut after a word with «…», not mid-word."""

from collections.abc import Callable

from sqlalchemy import Engine
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from models.incident import Incident, IncidentPost
from tests.dashboard.conftest import open_page

LONG_TITLE = (
    "У подъезда на соседней улице снова переполнены контейнеры, жители пишут жалобы на "
    "отсутствие вывоза уже неделю"
)


def test_the_incident_link_is_cut_after_a_word(
    signed_in: Callable[[str], AppTest], seeded: dict[str, list[int]], engine: Engine
) -> None:
    post_id = seeded["posts"][2]
    with Session(engine) as session:
        link = session.exec(select(IncidentPost).where(IncidentPost.post_id == post_id)).one()
        incident = session.get_one(Incident, link.incident_id)
        incident.title = LONG_TITLE
        session.add(incident)
        session.commit()
        number = incident.id
    app = signed_in("moderator")
    app.query_params["id"] = str(post_id)
    app = open_page(app, "post")
    assert not app.exception
    labels = [e.proto.label for e in app.get("page_link") if e.proto.label.startswith("Инцидент")]
    assert labels == [
        f"Инцидент №{number}: У подъезда на соседней улице снова переполнены контейнеры, "
        "жители пишут жалобы…"
    ]
