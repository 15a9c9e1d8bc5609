"""The street keys migration: keys stored by the old parser become the ones it gives now, so
an old incident «ул. Тверская» and a new post «на Тверской» name one street."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from models.annotation import Annotation
from models.geo import Street
from models.incident import Incident
from otklik import migrate
from tests.empty_database import empty_database
from tests.triage.factories import address_of, annotated_post, municipality, source

BEFORE = "fire_1"  # the head this migration follows
DATABASE = f"otklik_test_street_keys_{os.getpid()}"
# texts, and the keys the parser before this change stored for them
OLD = [
    ("ул. Тверская, д. 20: затопило подвал", "тверская 20"),
    ("Большая Морская, д. 5 и ул. Литейная 3 без света", "больший морской 5; литейная 3"),
    ("ул. Толстого 5: прорвало трубу", "толстой 5"),
]


@pytest.fixture(params=["sqlite", "postgresql"])
def old_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    with empty_database(request.param, folder=tmp_path, name=DATABASE) as engine:
        yield engine


def test_stored_keys_become_the_keys_the_parser_gives_now(old_engine: Engine) -> None:
    migrate.upgrade(old_engine, BEFORE)
    with Session(old_engine) as session:
        place = municipality(session, "Пермь")
        feed = source(session)
        for text, old in OLD:
            post_id = annotated_post(session, source_id=feed, text=text, municipality_id=place)
            annotation = session.exec(select(Annotation).where(Annotation.post_id == post_id)).one()
            annotation.address_key = old
            annotation.reasons = {"addresses": [{"key": k, "span": "…"} for k in old.split("; ")]}
            session.add(Incident(title=text, municipality_id=place, address=old))
        streets = [("Тверская", "тверская"), ("Тверской", "тверской"), ("Толстого", "толстой")]
        for name, key in streets:
            session.add(Street(municipality_id=place, name=name, key=key))
        session.commit()

    migrate.upgrade(old_engine)

    now = [address_of(text) for text, _ in OLD]
    assert now == ["тверской 20", "большой морской 5; литейный 3", "толстой 5"]
    assert address_of("на Тверской 20 опять затопило подвал") == now[0]
    with Session(old_engine) as session:
        annotations = session.exec(select(Annotation).order_by(Annotation.id)).all()
        assert [a.address_key for a in annotations] == now
        assert ["; ".join(a["key"] for a in x.reasons["addresses"]) for x in annotations] == now
        assert [i.address for i in session.exec(select(Incident).order_by(Incident.id))] == now
        streets = session.exec(select(Street.key).order_by(Street.key)).all()
        assert streets == ["тверской", "толстой"]
