import pytest
from sqlalchemy import Engine, select
from sqlmodel import Session

from models.annotation import Annotation
from models.audit import AuditEvent
from models.incident import Incident, IncidentPost
from models.learning import TrainingLabel
from models.post import Post, ReviewStatus
from models.report import Report, ReportStatus
from tests.triage import factories as f
from triage.calendar import WorkCalendar
from triage.errors import ConflictError
from triage.lifecycle import change_status
from triage.moderation import (
    Decision,
    confirm_post,
    correct_post,
    mark_not_signal,
    review_each,
    review_post,
    review_posts,
)
from triage.reports import create_report
from triage.stage import triage_posts
from triage.thresholds import Thresholds

CAL = WorkCalendar()


def _posts(session: Session, n: int = 2) -> tuple[int, list[int]]:
    perm = f.municipality(session, "Пермский городской округ")
    vk = f.source(session)
    ids = [
        f.annotated_post(
            session,
            source_id=vk,
            municipality_id=perm,
            confidence=0.6,
            text=f"Во дворе дома {i} на улице Мира {i} огромная яма",
        )
        for i in range(1, n + 1)
    ]
    session.commit()
    triage_posts(session, post_ids=ids, thresholds=Thresholds())
    return perm, ids


def test_confirm_keeps_the_labels_and_becomes_a_training_label(session: Session) -> None:
    _, (post_id, _) = _posts(session)
    post = session.get_one(Post, post_id)
    assert post.review_status == ReviewStatus.NEEDS_REVIEW

    confirm_post(
        session, post_id=post_id, expected_version=post.version, actor="anna", user_id=None
    )
    session.commit()

    assert session.get_one(Post, post_id).review_status == ReviewStatus.CONFIRMED
    current = session.execute(
        select(Annotation).where(Annotation.post_id == post_id, Annotation.is_current.is_(True))
    ).scalar_one()  # type: ignore[attr-defined]
    assert current.set_by == "person" and current.category_code == "housing"
    label = session.execute(select(TrainingLabel)).scalar_one()
    assert (label.post_id, label.category_code, label.is_signal) == (post_id, "housing", True)
    event = session.execute(
        select(AuditEvent).where(AuditEvent.action == "review:confirmed")
    ).scalar_one()
    assert event.actor == "anna" and event.before["review_status"] == "needs_review"


def test_correct_changes_category_topic_and_municipality_in_one_step(session: Session) -> None:
    perm, (post_id, _) = _posts(session)
    kama = f.municipality(session, "Краснокамский городской округ")
    session.commit()
    post = session.get_one(Post, post_id)
    correct_post(
        session,
        post_id=post_id,
        expected_version=post.version,
        category_code="roads",
        topic_code="roads_potholes",
        municipality_id=kama,
        actor="anna",
        user_id=None,
    )
    session.commit()

    assert session.get_one(Post, post_id).review_status == ReviewStatus.CORRECTED
    annotations = (
        session.execute(
            select(Annotation).where(Annotation.post_id == post_id).order_by(Annotation.id)
        )
        .scalars()
        .all()
    )
    assert [a.is_current for a in annotations] == [False, True]  # history kept
    assert (annotations[1].category_code, annotations[1].municipality_id) == ("roads", kama)
    event = session.execute(
        select(AuditEvent).where(AuditEvent.action == "review:corrected")
    ).scalar_one()
    assert event.before["municipality_id"] == perm and event.after["municipality_id"] == kama
    label = session.execute(select(TrainingLabel)).scalar_one()
    assert (label.topic_code, label.municipality_id) == ("roads_potholes", kama)


def test_not_a_signal_is_kept_and_leaves_its_incident(session: Session) -> None:
    _, (post_id, _) = _posts(session)
    incident_id = session.get_one(IncidentPost, post_id).incident_id
    post = session.get_one(Post, post_id)
    mark_not_signal(
        session, post_id=post_id, expected_version=post.version, actor="anna", user_id=None
    )
    session.commit()

    assert session.get_one(Post, post_id).review_status == ReviewStatus.NOT_SIGNAL
    assert session.get(IncidentPost, post_id) is None
    assert session.get_one(Incident, incident_id).post_count == 0
    assert session.execute(select(TrainingLabel.is_signal)).scalar_one() is False


def test_bulk_review_is_all_or_nothing(session: Session) -> None:
    _, ids = _posts(session, 3)
    versions = {p: session.get_one(Post, p).version for p in ids}
    stale = Decision(post_id=ids[2], expected_version=versions[ids[2]] - 1)
    with pytest.raises(ConflictError):
        review_posts(
            session,
            decisions=[
                Decision(post_id=ids[0], expected_version=versions[ids[0]]),
                Decision(post_id=ids[1], expected_version=versions[ids[1]]),
                stale,
            ],
            actor="anna",
            user_id=None,
        )
    assert session.execute(select(TrainingLabel)).first() is None
    assert {session.get_one(Post, p).review_status for p in ids} == {ReviewStatus.NEEDS_REVIEW}

    done = review_posts(
        session,
        decisions=[Decision(post_id=p, expected_version=versions[p]) for p in ids],
        actor="anna",
        user_id=None,
    )
    assert [p.review_status for p in done] == [ReviewStatus.CONFIRMED] * 3
    assert len(session.execute(select(TrainingLabel)).all()) == 3


def test_review_each_skips_a_post_changed_meanwhile_and_decides_the_others(
    session: Session,
) -> None:
    _, ids = _posts(session, 3)
    versions = {p: session.get_one(Post, p).version for p in ids}
    confirm_post(session, post_id=ids[1], expected_version=versions[ids[1]], actor="boris",
                 user_id=None)  # fmt: skip
    session.commit()
    decisions = [Decision(post_id=p, expected_version=versions[p], is_signal=False) for p in ids]
    decisions.append(Decision(post_id=10_000, expected_version=1, is_signal=False))  # removed

    done = review_each(session, decisions=decisions, actor="anna", user_id=None)

    assert (done.decided, done.skipped) == ([ids[0], ids[2]], [ids[1], 10_000])
    session.expire_all()
    assert [session.get_one(Post, p).review_status for p in ids] == [
        ReviewStatus.NOT_SIGNAL, ReviewStatus.CONFIRMED, ReviewStatus.NOT_SIGNAL,
    ]  # fmt: skip
    assert session.get(IncidentPost, ids[0]) is None  # left its incident, as one decision does
    events = session.execute(
        select(AuditEvent.entity_id, AuditEvent.actor).where(
            AuditEvent.action == "review:not_signal"
        )
    ).all()
    assert sorted(events) == [(ids[0], "anna"), (ids[2], "anna")]
    assert len(session.execute(select(TrainingLabel)).all()) == 3  # boris's, and two


def test_two_moderators_on_one_post_the_second_gets_a_conflict(
    session: Session, engine: Engine
) -> None:
    _, (post_id, _) = _posts(session)
    with Session(engine) as anna, Session(engine) as boris:
        seen_by_anna = anna.get_one(Post, post_id).version
        seen_by_boris = boris.get_one(Post, post_id).version
        confirm_post(
            anna, post_id=post_id, expected_version=seen_by_anna, actor="anna", user_id=None
        )
        anna.commit()
        decision = Decision(post_id=post_id, expected_version=seen_by_boris, category_code="roads")
        with pytest.raises(
            ConflictError, match=f"you saw version {seen_by_boris}, it is now {seen_by_boris + 1}"
        ):
            review_post(boris, decision=decision, actor="boris", user_id=None)
        boris.rollback()
    session.expire_all()
    assert session.get_one(Post, post_id).review_status == ReviewStatus.CONFIRMED
    actors = (
        session.execute(select(AuditEvent.actor).where(AuditEvent.action.startswith("review")))
        .scalars()
        .all()
    )  # type: ignore[attr-defined]
    assert actors == ["anna"]


def test_two_operators_on_one_report_the_second_gets_a_conflict(
    session: Session, engine: Engine
) -> None:
    _, (post_id, _) = _posts(session)
    incident = session.get_one(Incident, session.get_one(IncidentPost, post_id).incident_id)
    report = create_report(
        session,
        incident_id=incident.id or 0,
        expected_version=incident.version,
        actor="anna",
        user_id=None,
        calendar=CAL,
    )
    session.commit()
    with Session(engine) as anna, Session(engine) as boris:
        a_version = anna.get_one(Report, report.id).version
        b_version = boris.get_one(Report, report.id).version
        change_status(
            anna,
            report_id=report.id or 0,
            status=ReportStatus.SENT,
            actor="anna",
            user_id=None,
            expected_version=a_version,
            calendar=CAL,
        )
        anna.commit()
        with pytest.raises(ConflictError):
            change_status(
                boris,
                report_id=report.id or 0,
                status=ReportStatus.REJECTED,
                actor="boris",
                user_id=None,
                expected_version=b_version,
                calendar=CAL,
            )
        boris.rollback()
    session.expire_all()
    assert session.get_one(Report, report.id).status == ReportStatus.SENT


def test_the_audit_trail_covers_every_change(session: Session) -> None:
    _, (first, second) = _posts(session)
    post = session.get_one(Post, first)
    confirm_post(session, post_id=first, expected_version=post.version, actor="anna", user_id=None)
    session.commit()
    incident = session.get_one(Incident, session.get_one(IncidentPost, first).incident_id)
    report = create_report(
        session,
        incident_id=incident.id or 0,
        expected_version=incident.version,
        actor="anna",
        user_id=None,
        calendar=CAL,
    )
    session.commit()
    change_status(
        session,
        report_id=report.id or 0,
        status=ReportStatus.SENT,
        actor="anna",
        user_id=None,
        expected_version=report.version,
        calendar=CAL,
    )
    session.commit()

    events = session.execute(
        select(AuditEvent.entity_type, AuditEvent.entity_id, AuditEvent.action)
    ).all()
    by_entity = {(t, i) for t, i, _ in events}
    for post_id in (first, second):
        assert ("post", post_id) in by_entity  # triage + attach
    assert ("incident", incident.id) in by_entity
    assert [a for t, i, a in events if t == "report"] == ["create", "status:sent"]
    assert all(
        e.before is not None or e.action in {"create"}
        for e in session.execute(
            select(AuditEvent).where(AuditEvent.entity_type == "report")
        ).scalars()
    )
