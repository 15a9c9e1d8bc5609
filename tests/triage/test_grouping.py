import csv
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlmodel import Session

from models.audit import AuditEvent
from models.clock import frozen_at
from models.incident import Incident, IncidentPost
from models.post import Post, ReviewStatus
from tests.triage import factories as f
from triage.address import same_place
from triage.stage import triage_posts
from triage.thresholds import Thresholds

T = Thresholds()


def _incident_of(session: Session, post_id: int) -> int:
    link = session.get(IncidentPost, post_id)
    assert link is not None
    return link.incident_id


def _setup(session: Session) -> tuple[int, int, int, int]:
    perm = f.municipality(session, "Пермский городской округ")
    kama = f.municipality(session, "Краснокамский городской округ")
    vk = f.source(session, "vk")
    tg = f.source(session, "tg", kind="telegram")
    return perm, kama, vk, tg


def test_the_same_problem_reworded_in_two_sources_is_one_incident(
    session: Session, lemmatize: Callable[[str], str] | None
) -> None:
    perm, _, vk, tg = _setup(session)
    first = f.annotated_post(
        session,
        source_id=vk,
        municipality_id=perm,
        text="На улице Ленина 5 прорвало трубу, вода хлещет прямо во двор",
    )
    second = f.annotated_post(
        session,
        source_id=tg,
        municipality_id=perm,
        published_at=f.MONDAY + timedelta(hours=3),
        text="ул. Ленина, д. 5 — авария на трубопроводе, из трубы течет вода уже второй день",
    )
    session.commit()

    assert triage_posts(session, post_ids=[first, second], thresholds=T, lemmatize=lemmatize) == [
        first,
        second,
    ]

    assert _incident_of(session, first) == _incident_of(session, second)
    link = session.get_one(IncidentPost, second)
    assert link.reason["rule"] == "address+problem"
    assert link.reason["address"] == "ленин 5"
    assert link.reason["related"] == "same topic"
    incident = session.get_one(Incident, link.incident_id)
    assert incident.post_count == 2


@pytest.mark.parametrize(
    ("first_text", "second_text", "key"),
    [
        (
            "ул. Тверская, 20: прорвало трубу в подвале, вода стоит по щиколотку",
            "на Тверской 20 из подвала так и не откачали воду после прорыва трубы",
            "тверской 20",
        ),
        (
            "ул. Большая Морская, 5 — прорвало трубу, затопило подвал",
            "на Большой Морской 5 опять прорыв трубы, в подвале вода",
            "большой морской 5",
        ),
    ],
)
def test_one_street_written_in_two_cases_is_one_incident(
    session: Session,
    lemmatize: Callable[[str], str] | None,
    first_text: str,
    second_text: str,
    key: str,
) -> None:
    perm, _, vk, tg = _setup(session)
    first = f.annotated_post(session, source_id=vk, municipality_id=perm, text=first_text)
    second = f.annotated_post(
        session,
        source_id=tg,
        municipality_id=perm,
        published_at=f.MONDAY + timedelta(hours=5),
        text=second_text,
    )
    session.commit()

    triage_posts(session, post_ids=[first, second], thresholds=T, lemmatize=lemmatize)

    assert _incident_of(session, first) == _incident_of(session, second)
    assert session.get_one(IncidentPost, second).reason["address"] == key


def test_different_problems_on_the_same_street_stay_apart(
    session: Session, lemmatize: Callable[[str], str] | None
) -> None:
    perm, _, vk, tg = _setup(session)
    pipe = f.annotated_post(
        session,
        source_id=vk,
        municipality_id=perm,
        text="На улице Ленина 5 прорвало трубу, вода хлещет прямо во двор",
    )
    lights = f.annotated_post(
        session,
        source_id=tg,
        municipality_id=perm,
        category="amenities",
        topic="amenities_lighting",
        text="На улице Ленина 5 не горят фонари, вечером во дворе темно",
    )
    session.commit()

    triage_posts(session, post_ids=[pipe, lights], thresholds=T, lemmatize=lemmatize)

    assert _incident_of(session, pipe) != _incident_of(session, lights)


def test_the_same_problem_in_two_towns_stays_apart(
    session: Session, lemmatize: Callable[[str], str] | None
) -> None:
    perm, kama, vk, tg = _setup(session)
    text = "На улице Ленина 5 прорвало трубу, вода хлещет прямо во двор"
    in_perm = f.annotated_post(session, source_id=vk, municipality_id=perm, text=text)
    in_kama = f.annotated_post(session, source_id=tg, municipality_id=kama, text=text)
    session.commit()

    triage_posts(session, post_ids=[in_perm, in_kama], thresholds=T, lemmatize=lemmatize)

    assert _incident_of(session, in_perm) != _incident_of(session, in_kama)


def test_posts_outside_the_time_window_start_a_new_incident(session: Session) -> None:
    perm, _, vk, _ = _setup(session)
    text = "На улице Ленина 5 прорвало трубу, вода хлещет прямо во двор"
    old = f.annotated_post(session, source_id=vk, municipality_id=perm, text=text)
    late = f.annotated_post(
        session,
        source_id=vk,
        municipality_id=perm,
        text=text,
        published_at=f.MONDAY + timedelta(hours=T.group_window_hours + 1),
    )
    session.commit()

    with frozen_at(f.MONDAY):
        triage_posts(session, post_ids=[old], thresholds=T)
    with frozen_at(f.MONDAY + timedelta(hours=T.group_window_hours + 1)):
        triage_posts(session, post_ids=[late], thresholds=T)

    assert _incident_of(session, old) != _incident_of(session, late)


def test_a_comment_joins_the_incident_of_its_post(session: Session) -> None:
    perm, _, vk, _ = _setup(session)
    parent = f.annotated_post(
        session,
        source_id=vk,
        municipality_id=perm,
        external_id="-1_10",
        text="На улице Ленина 5 прорвало трубу, вода хлещет прямо во двор",
    )
    comment = f.annotated_post(
        session,
        source_id=vk,
        municipality_id=perm,
        parent_external_id="-1_10",
        text="У нас тоже самое, кошмар!",
    )
    session.commit()

    triage_posts(session, post_ids=[parent, comment], thresholds=T)

    assert _incident_of(session, comment) == _incident_of(session, parent)
    assert session.get_one(IncidentPost, comment).reason == {
        "rule": "thread",
        "parent_post_id": parent,
    }


def test_a_comment_joins_its_posts_incident_when_another_crawl_stored_the_post(
    session: Session,
) -> None:
    """A search crawl found the comment; the wall crawl stored the post (one VK id)."""
    perm, _, wall, _ = _setup(session)
    search = f.source(session, "поиск", kind="vk_search")
    parent = f.annotated_post(
        session,
        source_id=wall,
        municipality_id=perm,
        external_id="-1_10",
        text="На улице Ленина 5 прорвало трубу, вода хлещет прямо во двор",
    )
    session.get_one(Post, parent).network_key = "vk:-1_10"  # as `store_posts` keys it
    comment = f.annotated_post(
        session,
        source_id=search,
        municipality_id=perm,
        external_id="-1_10_3",
        parent_external_id="-1_10",
        text="Да сколько можно, третий раз за месяц",
    )
    session.commit()

    triage_posts(session, post_ids=[parent, comment], thresholds=T)

    assert _incident_of(session, comment) == _incident_of(session, parent)
    assert session.get_one(IncidentPost, comment).reason["rule"] == "thread"


def test_triage_sorts_posts_by_confidence_and_is_idempotent(session: Session) -> None:
    perm, _, vk, _ = _setup(session)
    sure = f.annotated_post(
        session,
        source_id=vk,
        municipality_id=perm,
        confidence=0.95,
        text="Прорвало трубу на улице Мира 3",
    )
    unsure = f.annotated_post(
        session,
        source_id=vk,
        municipality_id=perm,
        confidence=0.55,
        text="Что-то с трубой на улице Мира 9",
    )
    noise = f.annotated_post(
        session,
        source_id=vk,
        municipality_id=None,
        is_signal=False,
        confidence=0.9,
        category=None,
        topic=None,
        text="Продам диван, недорого",
    )
    session.commit()

    assert triage_posts(session, post_ids=[sure, unsure, noise], thresholds=T) == [
        sure,
        unsure,
        noise,
    ]
    assert triage_posts(session, post_ids=[sure, unsure, noise], thresholds=T) == []

    statuses = {p: session.get_one(Post, p).review_status for p in (sure, unsure, noise)}
    assert statuses == {
        sure: ReviewStatus.AUTO_ACCEPTED,
        unsure: ReviewStatus.NEEDS_REVIEW,
        noise: ReviewStatus.NOT_SIGNAL,
    }
    assert session.get(IncidentPost, noise) is None  # kept, but not grouped
    assert session.get_one(Post, noise).stage == "triaged"
    events = (
        session.execute(select(AuditEvent.entity_id).where(AuditEvent.action == "triage"))
        .scalars()
        .all()
    )
    assert sorted(events) == sorted([sure, unsure, noise])


@pytest.mark.parametrize(
    ("text", "urgent"),
    [
        ("Третий день нет отопления в доме, дети мерзнут", True),
        ("Пожар в подъезде, задымление!", True),
        ("ДТП на перекрестке, светофор не работает", True),
        ("Просим покрасить лавочки во дворе", False),
    ],
)
def test_urgent_posts_get_higher_priority(session: Session, text: str, urgent: bool) -> None:
    perm, _, vk, _ = _setup(session)
    calm = f.annotated_post(
        session,
        source_id=vk,
        municipality_id=perm,
        text="Просим покрасить забор у школы",
        category="amenities",
    )
    other = f.annotated_post(
        session, source_id=vk, municipality_id=perm, text=text, category="roads"
    )
    session.commit()

    with frozen_at(f.MONDAY):
        triage_posts(session, post_ids=[calm, other], thresholds=T)

    calm_priority = session.get_one(Post, calm).priority
    other_priority = session.get_one(Post, other).priority
    assert (other_priority > calm_priority + 2) is urgent


@pytest.mark.parametrize(
    ("left", "right", "same"),
    [
        ("ленин 5", "ленин 5", True),
        ("ленин 5", "ленин", True),  # a house missing on one side still matches its street
        ("ленин 5", "ленин 7", False),
        # both name a building: a street named in passing does not make them one place
        ("маяковский 1/96лита; невский", "невский 102лита", False),
        ("маяковский 1/96лита; невский 102лита", "невский 102лита", True),
        ("невский", "невский 102лита", True),
        (None, "невский 102лита", None),
    ],
)
def test_same_place_is_decided_by_buildings_when_both_name_one(
    left: str | None, right: str | None, same: bool | None
) -> None:
    assert same_place(left, right) is same


def test_an_incident_without_an_address_is_placed_by_its_other_posts(
    session: Session, lemmatize: Callable[[str], str] | None
) -> None:
    perm, _, vk, tg = _setup(session)
    text = "Облупилась краска на фасаде дома, просьба покрасить фасад"
    vague = f.annotated_post(session, source_id=vk, municipality_id=perm, text=text)
    at_five = f.annotated_post(session, source_id=tg, municipality_id=perm,
                               published_at=f.MONDAY + timedelta(hours=1),
                               text="Окуловская улица, дом 5. " + text)  # fmt: skip
    at_twenty = f.annotated_post(session, source_id=vk, municipality_id=perm,
                                 published_at=f.MONDAY + timedelta(hours=2),
                                 text="улица Шишкова, дом 20. " + text)  # fmt: skip
    session.commit()

    triage_posts(session, post_ids=[vague, at_five, at_twenty], thresholds=T, lemmatize=lemmatize)

    # the vague post and the first house may be one problem; the second house is another
    assert _incident_of(session, vague) == _incident_of(session, at_five)
    assert _incident_of(session, at_twenty) != _incident_of(session, at_five)


def test_a_confused_category_joins_on_words_only_as_the_same_problem(
    session: Session, lemmatize: Callable[[str], str] | None
) -> None:
    """Housing and waste are a confused pair, but a burst pipe on one street does not join a
    rubbish heap on another because both posts start «Краснокамск: на …»; a dark street read
    as roads by one post and amenities by the other is still one problem."""
    _, kama, vk, tg = _setup(session)
    heap = f.annotated_post(
        session, source_id=vk, municipality_id=kama, category="waste", topic="waste_sites",
        text="Краснокамск: на Комарова мусорная площадка завалена, коммунальщики обещают вывезти",
    )  # fmt: skip
    pipe = f.annotated_post(
        session, source_id=tg, municipality_id=kama, published_at=f.MONDAY + timedelta(hours=5),
        text="Краснокамск: на Ленина 14 прорыв трубы, улица затоплена, где коммунальщики",
    )  # fmt: skip
    dark = f.annotated_post(
        session, source_id=vk, municipality_id=kama, category="amenities",
        topic="amenities_lighting", published_at=f.MONDAY + timedelta(hours=6),
        text="Краснокамск: на Калийной снова темно, освещение проработало два дня и отключилось",
    )  # fmt: skip
    darker = f.annotated_post(
        session, source_id=tg, municipality_id=kama, category="roads", topic="roads_lighting",
        published_at=f.MONDAY + timedelta(hours=7),
        text="Краснокамск, Калийная: освещение не работает на всём участке, темно",
    )  # fmt: skip
    session.commit()

    triage_posts(session, post_ids=[heap, pipe, dark, darker], thresholds=T, lemmatize=lemmatize)

    assert _incident_of(session, pipe) != _incident_of(session, heap)
    assert _incident_of(session, darker) == _incident_of(session, dark)


# Real posts of Stavropol's VK publics (`social/stavropol_vk_posts.csv`, by row): two
# stories each told by two publics, and four different road stories of one city and week.
STORIES = {"education": [117, 207], "safety": [151, 810]}
ROAD_STORIES = [126, 137, 296, 293]  # storm drains, a jam in the rain, a lorry, a scooter


def test_long_posts_join_by_story_not_by_the_language_they_share(
    session: Session, shared_data: Path, lemmatize: Callable[[str], str] | None
) -> None:
    """Long texts share most of their letter trigrams whatever they say: compared by them,
    the four road stories were one incident. Compared by their words, each stands alone,
    while the same story from two publics is still one incident."""
    with (shared_data / "social" / "stavropol_vk_posts.csv").open(encoding="utf-8") as handle:
        texts = [row["text"] for row in csv.DictReader(handle)]
    stavropol, _, vk, _ = _setup(session)
    rows = [(row, category) for category, rows in STORIES.items() for row in rows]
    rows += [(row, "roads") for row in ROAD_STORIES]
    ids: dict[int, int] = {}
    for hour, (row, category) in enumerate(rows):
        ids[row] = f.annotated_post(session, source_id=vk, municipality_id=stavropol,
                                    category=category, topic=None, text=texts[row],
                                    published_at=f.MONDAY + timedelta(hours=hour))  # fmt: skip
    session.commit()

    triage_posts(session, post_ids=list(ids.values()), thresholds=T, lemmatize=lemmatize)

    incident = {row: _incident_of(session, post_id) for row, post_id in ids.items()}
    for first, second in STORIES.values():
        assert incident[first] == incident[second]
    assert len({incident[row] for row in ROAD_STORIES}) == len(ROAD_STORIES)
    assert len(set(incident.values())) == len(STORIES) + len(ROAD_STORIES)
