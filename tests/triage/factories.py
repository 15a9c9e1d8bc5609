"""Small builders of real rows for triage tests (no mocks: they go into the real DB)."""

from datetime import UTC, datetime
from functools import cache
from itertools import count

from sqlmodel import Session

from models.annotation import Annotation
from models.clock import frozen_at, now
from models.geo import Municipality
from models.incident import Incident
from models.post import PipelineStage, Post
from models.report import Report, ReportStatus
from models.source import Source
from models.taxonomy import Category, Topic
from nlp.address import AddressParser
from nlp.annotator import address_key
from nlp.lemmas import Lemmatizer
from triage.calendar import WorkCalendar
from triage.lifecycle import change_status
from triage.moderation import mark_not_signal
from triage.reports import create_report

_ids = count(1)
MONDAY = datetime(2025, 3, 3, 6, 0, tzinfo=UTC)  # 11:00 in Perm (UTC+5)


@cache
def _addresses() -> AddressParser:
    towns = {"пермь", "березники", "краснокамск", "соликамск", "кунгур"}
    return AddressParser(Lemmatizer(), is_place=towns.__contains__)


def address_of(text: str) -> str | None:
    """The address key the annotator gives this text."""
    return address_key(_addresses().parse(text))


def municipality(session: Session, name: str, population: int | None = None) -> int:
    row = Municipality(region_code="57", name=name, population=population)
    session.add(row)
    session.flush()
    return row.id or 0


def source(session: Session, name: str = "vk", kind: str = "vk_wall") -> int:
    row = Source(kind=kind, name=name, target=f"{name}-{next(_ids)}")
    session.add(row)
    session.flush()
    return row.id or 0


def taxonomy(session: Session) -> None:
    session.add(Category(code="housing", name="ЖКХ"))
    session.add(Category(code="amenities", name="Благоустройство"))
    session.add(Category(code="roads", name="Дороги"))
    session.flush()
    session.add(
        Topic(
            code="housing_pipe_burst",
            category_code="housing",
            name="Прорыв трубы",
            sla_hours=8,
            urgent=True,
            agency_type="management_company",
        )
    )
    session.add(
        Topic(
            code="amenities_lighting",
            category_code="amenities",
            name="Освещение",
            sla_hours=40,
            agency_type="municipal_administration",
        )
    )
    session.add(
        Topic(
            code="roads_potholes",
            category_code="roads",
            name="Ямы",
            sla_hours=72,
            agency_type="road_agency",
        )
    )
    session.flush()


def annotated_post(
    session: Session,
    *,
    source_id: int,
    text: str,
    municipality_id: int | None,
    category: str | None = "housing",
    topic: str | None = "housing_pipe_burst",
    published_at: datetime = MONDAY,
    confidence: float = 0.9,
    is_signal: bool = True,
    parent_external_id: str | None = None,
    external_id: str | None = None,
    views: int | None = None,
) -> int:
    post = Post(
        source_id=source_id,
        external_id=external_id or f"p{next(_ids)}",
        text=text,
        text_original=text,
        published_at=published_at,
        stage=PipelineStage.ANNOTATED,
        parent_external_id=parent_external_id,
        views=views,
        search_lemmas=text.lower(),
        raw={},
    )
    session.add(post)
    session.flush()
    session.add(
        Annotation(
            post_id=post.id or 0,
            is_signal=is_signal,
            signal_confidence=confidence,
            category_code=category,
            category_confidence=confidence,
            topic_code=topic,
            topic_confidence=confidence,
            municipality_id=municipality_id,
            municipality_confidence=confidence,
            address_key=address_of(text),
            reasons={},
        )
    )
    session.flush()
    return post.id or 0


def resolved_report(
    session: Session, incident_id: int, *, at: datetime | None = None, agency_id: int | None = None
) -> Report:
    """A report on the incident, taken through sent and answered to resolved at `at` (now by
    default), by an operator; committed."""
    calendar = WorkCalendar()
    with frozen_at(at or now()):
        incident = session.get_one(Incident, incident_id)
        report = create_report(session, incident_id=incident_id, expected_version=incident.version,
                               actor="anna", user_id=None, calendar=calendar,
                               agency_id=agency_id)  # fmt: skip
        for status in (ReportStatus.SENT, ReportStatus.ANSWERED, ReportStatus.RESOLVED):
            report = change_status(session, report_id=report.id or 0, status=status, actor="anna",
                                   user_id=None, expected_version=report.version,
                                   calendar=calendar)  # fmt: skip
        session.commit()
    return report


def not_a_signal(session: Session, post_id: int, actor: str = "anna") -> None:
    """A moderator's «Не сигнал» on the post, committed."""
    post = session.get_one(Post, post_id)
    mark_not_signal(session, post_id=post_id, expected_version=post.version, actor=actor,
                    user_id=None)  # fmt: skip
    session.commit()
