"""An incident titled after a post that leaves it takes its earliest remaining post's title."""

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlmodel import Session

from models.agency import Agency
from models.annotation import current_annotation
from models.audit import AuditEvent
from models.geo import Municipality
from models.incident import Incident, IncidentPost, IncidentStatus
from models.post import ERASED_TEXT, Post
from tests.triage import factories as f
from triage.calendar import WorkCalendar
from triage.incidents import (
    attach_post,
    create_incident,
    merge_incidents,
    move_post,
    split_incident,
)
from triage.moderation import Decision, correct_post, review_each
from triage.reports import create_report

# Dark lamps at one house, misread as a burst pipe: the first post of the housing incident.
MISREAD = "Калинина 12: у подъезда не горят фонари, вечером темно"
PIPE = "Калинина 12 — в подвале прорвало трубу, течёт вода"
PIPE_AGAIN = "На Калинина 12 до сих пор течёт из трубы в подвале"
LAMP = "На улице Калинина 12 не горит фонарь во дворе"


def _post(session: Session, text: str, *, hours: int, topic: str = "housing_pipe_burst") -> int:
    """A post in Perm, published `hours` after Monday morning (`_world` made the town)."""
    perm = session.execute(select(Municipality.id)).scalar_one()
    return f.annotated_post(session, source_id=f.source(session), municipality_id=perm,
                            category=topic.split("_")[0], topic=topic, text=text,
                            published_at=f.MONDAY + timedelta(hours=hours))  # fmt: skip


def _incident(session: Session, post_ids: list[int]) -> Incident:
    """One incident seeded by the first post, the others attached in the order given."""
    first, *others = (session.get_one(Post, i) for i in post_ids)
    annotation = current_annotation(session, post_id=first.id or 0)
    incident = create_incident(session, post=first, annotation=annotation,
                               address=annotation.address_key if annotation else None,
                               reason={"rule": "new"}, actor="pipeline")  # fmt: skip
    for post in others:
        attach_post(session, incident=incident, post=post, reason={"rule": "address+problem"},
                    similarity=1.0, attached_by="pipeline")  # fmt: skip
    session.commit()
    return incident


def _world(session: Session) -> None:
    f.taxonomy(session)
    f.municipality(session, "Пермский городской округ")
    session.commit()


def _housing(session: Session) -> tuple[Incident, list[int]]:
    """The misread first post at 0 h, then a later post attached before an earlier one."""
    _world(session)
    posts = [
        _post(session, MISREAD, hours=0),
        _post(session, PIPE_AGAIN, hours=3),
        _post(session, PIPE, hours=1),  # published before PIPE_AGAIN, a higher id
    ]
    return _incident(session, posts), posts


def _stored_title(session: Session, incident_id: int) -> str:
    return session.execute(select(Incident.title).where(Incident.id == incident_id)).scalar_one()


def test_the_first_post_marked_not_a_signal_titles_the_incident_after_the_next_earliest(
    session: Session,
) -> None:
    housing, (misread, _, _) = _housing(session)
    version = housing.version

    f.not_a_signal(session, misread)

    assert housing.title == PIPE  # the loaded incident sees it too, without a refresh
    assert _stored_title(session, housing.id or 0) == PIPE
    session.refresh(housing)
    assert (housing.post_count, housing.status) == (2, IncidentStatus.OPEN)
    assert housing.version == version  # derived, like the counts: no conflict for the operator


def test_a_post_published_at_the_same_time_gives_way_to_the_lower_id(session: Session) -> None:
    _world(session)
    posts = [_post(session, MISREAD, hours=0), _post(session, PIPE, hours=1),
             _post(session, PIPE_AGAIN, hours=1)]  # fmt: skip
    housing = _incident(session, [posts[0], posts[2], posts[1]])

    f.not_a_signal(session, posts[0])

    assert _stored_title(session, housing.id or 0) == PIPE


def test_a_correction_into_another_incident_titles_both_right(session: Session) -> None:
    housing, (misread, _, _) = _housing(session)
    lighting = _incident(session, [_post(session, LAMP, hours=2, topic="amenities_lighting")])

    post = session.get_one(Post, misread)
    correct_post(session, post_id=misread, expected_version=post.version, category_code="amenities",
                 topic_code="amenities_lighting", municipality_id=None, actor="anna",
                 user_id=None)  # fmt: skip
    session.commit()

    assert session.get_one(IncidentPost, misread).incident_id == lighting.id
    assert _stored_title(session, housing.id or 0) == PIPE
    assert _stored_title(session, lighting.id or 0) == LAMP  # the newcomer takes no title


def test_a_correction_into_a_new_incident_titles_both_right(session: Session) -> None:
    housing, (misread, _, _) = _housing(session)

    post = session.get_one(Post, misread)
    correct_post(session, post_id=misread, expected_version=post.version, category_code="amenities",
                 topic_code="amenities_lighting", municipality_id=None, actor="anna",
                 user_id=None)  # fmt: skip
    session.commit()

    new_id = session.get_one(IncidentPost, misread).incident_id
    assert new_id != housing.id
    assert _stored_title(session, housing.id or 0) == PIPE
    assert _stored_title(session, new_id) == MISREAD


def test_a_moved_first_post_titles_the_incident_it_left_after_the_next(session: Session) -> None:
    housing, (misread, _, _) = _housing(session)
    lighting = _incident(session, [_post(session, LAMP, hours=2, topic="amenities_lighting")])

    move_post(session, post_id=misread, incident_id=lighting.id or 0, actor="anna", user_id=None,
              expected_version=lighting.version)  # fmt: skip
    session.commit()

    assert _stored_title(session, housing.id or 0) == PIPE
    assert _stored_title(session, lighting.id or 0) == LAMP


def test_a_split_off_first_post_titles_both_incidents_right(session: Session) -> None:
    housing, (misread, _, _) = _housing(session)

    new = split_incident(session, incident_id=housing.id or 0, post_ids=[misread], actor="anna",
                         user_id=None, expected_version=housing.version)  # fmt: skip
    session.commit()

    assert _stored_title(session, housing.id or 0) == PIPE
    assert _stored_title(session, new.id or 0) == MISREAD


@pytest.mark.parametrize("batched", [False, True], ids=["alone", "batched"])
def test_a_title_made_with_the_post_s_leading_symbols_still_follows_its_post(
    session: Session, batched: bool
) -> None:
    """An incident titled before titles started at the first letter (stop 36) kept the
    post's leading symbols; its title post leaving still retitles it, decided alone or in a
    whole thread's batch."""
    _world(session)
    posts = [_post(session, f"‼️ {MISREAD}", hours=0), _post(session, PIPE, hours=1)]
    housing = _incident(session, posts)
    housing.title = f"‼️ {MISREAD}"  # as it was made then
    session.add(housing)
    session.commit()

    if batched:
        version = session.get_one(Post, posts[0]).version
        review_each(session, decisions=[Decision(posts[0], version, is_signal=False)],
                    actor="anna", user_id=None)  # fmt: skip
    else:
        f.not_a_signal(session, posts[0])

    assert _stored_title(session, housing.id or 0) == PIPE


def test_a_title_edited_by_hand_is_kept(session: Session) -> None:
    housing, (misread, _, _) = _housing(session)
    housing.title = "Калинина 12: вода в подвале"
    session.add(housing)
    session.commit()

    f.not_a_signal(session, misread)

    assert _stored_title(session, housing.id or 0) == "Калинина 12: вода в подвале"


def test_the_last_post_leaving_keeps_the_title_of_the_closed_incident(session: Session) -> None:
    _world(session)
    misread = _post(session, MISREAD, hours=0)
    lone = _incident(session, [misread])

    f.not_a_signal(session, misread)

    session.refresh(lone)
    assert (lone.status, lone.post_count, lone.title) == (IncidentStatus.CLOSED, 0, MISREAD)


def test_a_merge_keeps_the_target_title_and_the_folded_source_keeps_its_own(
    session: Session,
) -> None:
    _world(session)
    source = _incident(session, [_post(session, MISREAD, hours=0), _post(session, PIPE, hours=1)])
    target = _incident(session, [_post(session, PIPE_AGAIN, hours=3)])

    merge_incidents(session, target_id=target.id or 0, source_ids=[source.id or 0],
                    actor="anna", user_id=None,
                    expected_versions={target.id or 0: target.version,
                                       source.id or 0: source.version})  # fmt: skip
    session.commit()

    session.refresh(source)
    assert (source.status, source.post_count) == (IncidentStatus.MERGED, 0)
    assert source.title == MISREAD  # not titled after PIPE as its first post moved out
    assert _stored_title(session, target.id or 0) == PIPE_AGAIN


def test_a_post_the_incident_is_not_titled_after_leaving_changes_no_title(
    session: Session,
) -> None:
    _world(session)
    misread, pipe_again = _post(session, MISREAD, hours=0), _post(session, PIPE_AGAIN, hours=3)
    earlier = _post(session, PIPE, hours=-1)  # published before the seed, grouped after it
    housing = _incident(session, [misread, pipe_again, earlier])
    lighting = _incident(session, [_post(session, LAMP, hours=2, topic="amenities_lighting")])

    f.not_a_signal(session, pipe_again)
    assert _stored_title(session, housing.id or 0) == MISREAD
    move_post(session, post_id=earlier, incident_id=lighting.id or 0, actor="anna", user_id=None,
              expected_version=lighting.version)  # fmt: skip
    session.commit()

    assert _stored_title(session, housing.id or 0) == MISREAD
    assert _stored_title(session, lighting.id or 0) == LAMP


def test_an_erased_post_never_gives_its_placeholder_as_the_title(session: Session) -> None:
    """The next earliest post's text was erased (152-ФЗ): the title skips it."""
    housing, (misread, _, pipe) = _housing(session)
    erased = session.get_one(Post, pipe)
    erased.text = ERASED_TEXT
    session.add(erased)
    session.commit()

    f.not_a_signal(session, misread)

    assert _stored_title(session, housing.id or 0) == PIPE_AGAIN


def _lamp_after_misread(session: Session) -> tuple[Incident, int, int]:
    """The misread housing post seeds the incident; dark lamps, published later, joined it."""
    _world(session)
    misread = _post(session, MISREAD, hours=0)
    lamp = _post(session, LAMP, hours=2, topic="amenities_lighting")
    return _incident(session, [misread, lamp]), misread, lamp


def _relabels(session: Session, incident_id: int) -> list[tuple[str, dict[str, object]]]:
    return [
        (event.actor, event.after or {})
        for event in session.execute(
            select(AuditEvent).where(
                AuditEvent.entity_type == "incident",
                AuditEvent.entity_id == incident_id,
                AuditEvent.action == "relabel",
            )
        ).scalars()
    ]


def test_the_incident_takes_the_labels_of_the_post_it_is_now_titled_after(
    session: Session,
) -> None:
    incident, misread, _ = _lamp_after_misread(session)
    version = incident.version

    f.not_a_signal(session, misread)

    session.refresh(incident)
    assert incident.title == LAMP
    assert (incident.category_code, incident.topic_code) == ("amenities", "amenities_lighting")
    assert incident.version == version + 1  # a label change: the operator's next action rechecks
    assert [
        (actor, after["topic_code"]) for actor, after in _relabels(session, incident.id or 0)
    ] == [("anna", "amenities_lighting")]


def test_an_incident_with_an_open_report_keeps_its_labels(session: Session) -> None:
    """The agency works on the report: a post leaving reroutes nothing; the operator decides."""
    incident, misread, _ = _lamp_after_misread(session)
    perm = incident.municipality_id
    session.add(Agency(name="Администрация Перми", agency_type="municipal_administration",
                       municipality_id=perm))  # fmt: skip
    session.commit()
    report = create_report(session, incident_id=incident.id or 0, actor="olga", user_id=None,
                           expected_version=incident.version, calendar=WorkCalendar())  # fmt: skip
    session.commit()

    f.not_a_signal(session, misread)

    session.refresh(incident)
    session.refresh(report)
    assert incident.title == LAMP
    assert (incident.topic_code, report.topic_code) == ("housing_pipe_burst", "housing_pipe_burst")
    assert _relabels(session, incident.id or 0) == []


def _without_place(session: Session, post_id: int) -> None:
    """The post's current annotation names no municipality."""
    annotation = current_annotation(session, post_id=post_id)
    assert annotation is not None
    annotation.municipality_id = None
    session.add(annotation)
    session.commit()


def test_a_post_with_no_place_leaves_the_labels_as_they_are(session: Session) -> None:
    incident, misread, lamp = _lamp_after_misread(session)
    _without_place(session, lamp)

    f.not_a_signal(session, misread)

    session.refresh(incident)
    assert incident.title == LAMP
    assert incident.topic_code == "housing_pipe_burst"
    assert incident.municipality_id is not None


def test_posts_split_off_as_another_problem_take_their_own_labels_and_earliest_title(
    session: Session,
) -> None:
    """The lamp posts joined the housing incident; split off, they are the lighting problem."""
    incident, _, lamp = _lamp_after_misread(session)
    later = _post(
        session, "Калинина 12: фонари так и не горят", hours=5, topic="amenities_lighting"
    )
    joined = session.get_one(Post, later)
    attach_post(session, incident=incident, post=joined, reason={"rule": "address+problem"},
                similarity=1.0, attached_by="pipeline")  # fmt: skip
    session.commit()
    session.refresh(incident)

    new = split_incident(session, incident_id=incident.id or 0, post_ids=[later, lamp],
                         actor="anna", user_id=None, expected_version=incident.version)  # fmt: skip
    session.commit()

    session.refresh(new)
    assert new.title == LAMP  # the earliest split-off post, not the first one picked
    assert (new.category_code, new.topic_code) == ("amenities", "amenities_lighting")
    split = session.execute(
        select(AuditEvent.after).where(
            AuditEvent.entity_id == new.id, AuditEvent.action == "split_from"
        )
    ).scalar_one()
    assert split["topic_code"] == "amenities_lighting"
    session.refresh(incident)
    assert (incident.title, incident.topic_code) == (MISREAD, "housing_pipe_burst")


def test_posts_split_off_with_no_place_keep_the_incident_labels(session: Session) -> None:
    incident, _, lamp = _lamp_after_misread(session)
    _without_place(session, lamp)

    new = split_incident(session, incident_id=incident.id or 0, post_ids=[lamp], actor="anna",
                         user_id=None, expected_version=incident.version)  # fmt: skip
    session.commit()

    session.refresh(new)
    assert (new.topic_code, new.municipality_id) == ("housing_pipe_burst",
                                                     incident.municipality_id)  # fmt: skip
