"""The eight posts of issue 14 through the whole pipeline: exactly three incidents."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, select
from sqlmodel import Session

from models.annotation import Annotation
from models.incident import Incident, IncidentPost
from models.post import PostCreate
from models.post_store import store_posts
from otklik.pipeline import configured_pipeline
from otklik.settings import get_settings
from tests.pipeline.helpers import make_source

START = datetime(2025, 3, 3, 6, tzinfo=UTC)
POSTS = [
    ("hot-water", "Березники, ул. Мира 5 — третий день нет горячей воды, когда дадут?"),
    ("hot-water", "В Березниках на улице Мира, дом 5 опять отключили горячую воду, дети без душа"),
    ("hot-water", "Дом 5 по улице Мира в Березниках сидит без горячей воды уже неделю"),
    ("pothole", "Пермь, улица Коммунистическая возле дома 44 огромная яма"),
    ("pothole", "На Коммунистической в Перми у 44 дома яму так и не заделали"),
    ("kama", "Краснокамск, ул. Коммунистическая 44 — огромная яма, колёса бьём"),
    (None, "Продам гараж в Березниках, недорого, звоните вечером"),
    (None, "Скидки на пластиковые окна в Перми! Установка за один день, звоните"),
]


def _store(session: Session) -> list[int]:
    source_id = make_source(session)
    posts = [
        PostCreate(
            external_id=f"-1_{n}",
            text=text,
            text_original=text,
            published_at=START + timedelta(hours=n),
        )
        for n, (_, text) in enumerate(POSTS)
    ]
    stored = store_posts(session, source_id=source_id, posts=posts)
    session.commit()
    return stored.new_ids


def test_eight_posts_about_three_problems_make_three_incidents(seeded: Engine) -> None:
    with Session(seeded) as session:
        ids = _store(session)
    configured_pipeline(get_settings(), engine=seeded).after_ingest(ids)

    with Session(seeded) as session:
        members = session.exec(select(IncidentPost)).scalars()
        links = {link.post_id: link.incident_id for link in members}
        open_incidents = session.exec(select(Incident.id).where(Incident.post_count > 0)).all()
        notes = {a.post_id: a for a in session.exec(select(Annotation)).scalars()}
        keys = {post_id: note.address_key for post_id, note in notes.items()}
    by_problem: dict[str, set[int]] = {}
    for post_id, (problem, _) in zip(ids, POSTS, strict=True):
        if problem is None:
            assert post_id not in links, "an ad joined an incident"
            # decided by its structure (an offer and «звоните»), not by a score near the
            # threshold: one of the two scored 0.314 against 0.3195
            note = notes[post_id]
            assert (note.is_signal, note.reasons.get("structure")) == (False, "commercial_offer")
        elif post_id in links:
            by_problem.setdefault(problem, set()).add(links[post_id])
    # every signal post reaches the queue (the utility complaints too: issue 13)
    missed = [text for post_id, (problem, text) in zip(ids, POSTS, strict=True)
              if problem is not None and post_id not in links]  # fmt: skip
    assert not missed, missed
    assert set(by_problem) == {"hot-water", "pothole", "kama"}, by_problem
    assert all(len(incidents) == 1 for incidents in by_problem.values()), by_problem
    assert len({next(iter(i)) for i in by_problem.values()}) == 3
    assert len(open_incidents) == 3
    assert keys[ids[3]] == keys[ids[4]] == keys[ids[5]] == "коммунистический 44"
