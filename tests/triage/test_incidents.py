import pytest
from sqlalchemy import select
from sqlmodel import Session

from models.audit import AuditEvent
from models.incident import Incident, IncidentPost, IncidentStatus
from models.report import Report
from tests.triage import factories as f
from triage.calendar import WorkCalendar
from triage.errors import ConflictError, TriageError
from triage.incidents import member_ids, merge_incidents, move_post, split_incident, title_from
from triage.reports import create_report
from triage.stage import triage_posts
from triage.thresholds import Thresholds

TEXTS = [
    "На улице Ленина 5 прорвало трубу, вода хлещет прямо во двор",
    "Огромная яма на дороге по улице Мира 12, машины бьют колеса",
    "В сквере на улице Гагарина сломаны качели, дети могут пострадать",
]


def _three_incidents(session: Session) -> list[Incident]:
    perm = f.municipality(session, "Пермский городской округ")
    vk = f.source(session)
    ids = [f.annotated_post(session, source_id=vk, municipality_id=perm, text=t) for t in TEXTS]
    session.commit()
    triage_posts(session, post_ids=ids, thresholds=Thresholds())
    incidents = [session.get_one(IncidentPost, p).incident_id for p in ids]
    assert len(set(incidents)) == 3
    return [session.get_one(Incident, i) for i in incidents]


def test_merge_moves_posts_and_records_why(session: Session) -> None:
    target, source, _ = _three_incidents(session)
    merge_incidents(
        session,
        target_id=target.id or 0,
        source_ids=[source.id or 0],
        actor="anna",
        user_id=None,
        expected_versions={target.id or 0: target.version, source.id or 0: source.version},
    )
    session.commit()

    assert len(member_ids(session, incident_id=target.id or 0)) == 2
    session.refresh(source)
    assert (source.status, source.merged_into_id, source.post_count) == (
        IncidentStatus.MERGED,
        target.id,
        0,
    )
    moved = session.execute(
        select(IncidentPost).where(IncidentPost.reason["rule"].as_string() == "merge")
    ).scalar_one()
    assert moved.reason["from_incident_id"] == source.id and moved.attached_by == "anna"
    assert (
        session.execute(select(AuditEvent).where(AuditEvent.action == "merge"))
        .scalar_one()
        .entity_id
        == source.id
    )


def test_merge_with_a_stale_version_is_a_conflict(session: Session) -> None:
    target, source, _ = _three_incidents(session)
    with pytest.raises(ConflictError):
        merge_incidents(
            session,
            target_id=target.id or 0,
            source_ids=[source.id or 0],
            actor="anna",
            user_id=None,
            expected_versions={target.id or 0: target.version + 5, source.id or 0: source.version},
        )


def test_split_takes_posts_into_a_new_incident(session: Session) -> None:
    target, source, third = _three_incidents(session)
    for other in (source, third):
        session.refresh(target)
        merge_incidents(
            session,
            target_id=target.id or 0,
            source_ids=[other.id or 0],
            actor="anna",
            user_id=None,
            expected_versions={target.id or 0: target.version, other.id or 0: other.version},
        )
        session.commit()
    members = sorted(member_ids(session, incident_id=target.id or 0))
    session.refresh(target)

    new = split_incident(
        session,
        incident_id=target.id or 0,
        post_ids=members[1:],
        actor="anna",
        user_id=None,
        expected_version=target.version,
    )
    session.commit()

    assert sorted(member_ids(session, incident_id=new.id or 0)) == members[1:]
    assert member_ids(session, incident_id=target.id or 0) == members[:1]
    assert session.get_one(IncidentPost, members[1]).reason == {
        "rule": "split",
        "from_incident_id": target.id,
    }
    session.refresh(target)
    with pytest.raises(TriageError, match="some, but not all"):
        split_incident(
            session,
            incident_id=target.id or 0,
            post_ids=members[:1],
            actor="anna",
            user_id=None,
            expected_version=target.version,
        )


def test_a_moderator_attaches_a_post_by_hand(session: Session) -> None:
    target, source, _ = _three_incidents(session)
    post_id = member_ids(session, incident_id=source.id or 0)[0]
    move_post(
        session,
        post_id=post_id,
        incident_id=target.id or 0,
        actor="anna",
        user_id=None,
        expected_version=target.version,
    )
    session.commit()
    link = session.get_one(IncidentPost, post_id)
    assert (link.incident_id, link.reason, link.attached_by) == (
        target.id,
        {"rule": "moderator"},
        "anna",
    )
    session.refresh(source)
    assert source.post_count == 0


def test_no_post_is_attached_by_hand_to_an_incident_merged_away(session: Session) -> None:
    target, source, other = _three_incidents(session)
    merge_incidents(session, target_id=target.id or 0, source_ids=[source.id or 0], actor="anna",
                    user_id=None, expected_versions={target.id or 0: target.version,
                                                     source.id or 0: source.version})  # fmt: skip
    session.commit()
    session.refresh(source)
    post_id = member_ids(session, incident_id=other.id or 0)[0]

    with pytest.raises(TriageError, match=f"is merged into {target.id}"):
        move_post(session, post_id=post_id, incident_id=source.id or 0, actor="anna",
                  user_id=None, expected_version=source.version)  # fmt: skip
    session.rollback()
    assert session.get_one(IncidentPost, post_id).incident_id == other.id


def test_merge_moves_the_source_reports_to_the_target(session: Session) -> None:
    target, source, _ = _three_incidents(session)
    report = create_report(
        session,
        incident_id=source.id or 0,
        expected_version=source.version,
        actor="anna",
        user_id=None,
        calendar=WorkCalendar(),
    )
    session.commit()
    report_version = report.version
    assert target.status == IncidentStatus.OPEN

    merge_incidents(
        session,
        target_id=target.id or 0,
        source_ids=[source.id or 0],
        actor="boris",
        user_id=None,
        expected_versions={target.id or 0: target.version, source.id or 0: source.version},
    )
    session.commit()

    session.refresh(report)
    session.refresh(target)
    assert report.incident_id == target.id
    assert report.version == report_version + 1  # a stale edit of the report now conflicts
    assert target.status == IncidentStatus.REPORTED
    move = session.execute(
        select(AuditEvent).where(AuditEvent.entity_type == "report", AuditEvent.action == "move")
    ).scalar_one()
    assert (move.entity_id, move.actor) == (report.id, "boris")
    assert move.before == {"incident_id": source.id}
    assert move.after == {"incident_id": target.id, "reason": "merge"}
    remaining = session.execute(select(Report).where(Report.incident_id == source.id)).all()
    assert remaining == []


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Нет воды\n\nс утра", "Нет воды с утра"),
        ("Яма у школы, фото тут (https://vk.com/wall-7_9).", "Яма у школы, фото тут."),
        ("Смотрите https://example.ru/a?b=1 и www.example.ru — снова нет света",
         "Смотрите и — снова нет света"),
        ("https://vk.com/wall-7_9", "https://vk.com/wall-7_9"),  # nothing but a link: kept
        ("я" * 130, "я" * 119 + "…"),
        ("\u2757\ufe0fИз окна дым", "Из окна дым"),  # a pictograph and its selector
        ("\U0001f525\U0001f525 Горит трава", "Горит трава"),
        ("\u203c\ufe0f «Сквер» без света", "«Сквер» без света"),  # its opening quote kept
        ("\U0001f525\U0001f525", "\U0001f525\U0001f525"),  # nothing else: kept whole
    ],
)  # fmt: skip
def test_a_title_is_one_line_without_links(text: str, title: str) -> None:
    assert title_from(text) == title


def _merge(session: Session, target: Incident, source: Incident) -> None:
    session.refresh(target)
    session.refresh(source)
    merge_incidents(session, target_id=target.id or 0, source_ids=[source.id or 0],
                    actor="anna", user_id=None,
                    expected_versions={target.id or 0: target.version,
                                       source.id or 0: source.version})  # fmt: skip


def test_a_merged_or_emptied_incident_takes_no_part_in_a_merge(session: Session) -> None:
    """A page opened before the change offers them no more (`triage.emptied.is_empty`)."""
    target, merged, emptied = _three_incidents(session)
    _merge(session, target, merged)
    (post_id,) = member_ids(session, incident_id=emptied.id or 0)
    f.not_a_signal(session, post_id)
    session.refresh(emptied)
    assert (emptied.status, emptied.post_count) == (IncidentStatus.CLOSED, 0)
    for into, folded in [(emptied, merged), (merged, emptied), (target, merged),
                         (target, emptied), (merged, target), (emptied, target)]:  # fmt: skip
        with pytest.raises(TriageError, match="is merged or has no posts"):
            _merge(session, into, folded)
        session.rollback()
    assert len(member_ids(session, incident_id=target.id or 0)) == 2
