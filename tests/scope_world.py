"""Two territories, each with an agency, an incident and a report: for scope and API tests."""

from collections.abc import Callable
from dataclasses import dataclass

from sqlmodel import Session

from models.agency import Agency
from models.incident import Incident
from models.report import Report
from tests.triage import factories as f
from triage.calendar import WorkCalendar
from triage.reports import create_report


@dataclass(frozen=True)
class World:
    perm: int
    kungur: int
    perm_agency: int
    kungur_agency: int
    perm_incident: int
    kungur_incident: int
    perm_report: int
    kungur_report: int


Prepare = Callable[[Session, dict[str, int]], None]


def build_world(session: Session, prepare: Prepare | None = None) -> World:
    """`prepare(session, ids)` runs before the reports are created (ids of the territories
    and agencies: "perm", "kungur", "perm_agency", "kungur_agency")."""
    f.taxonomy(session)
    perm = f.municipality(session, "Пермский городской округ")
    kungur = f.municipality(session, "Кунгурский муниципальный округ")
    agencies = [
        Agency(
            name="Администрация Перми", agency_type="municipal_administration", municipality_id=perm
        ),
        Agency(
            name="Администрация Кунгура",
            agency_type="municipal_administration",
            municipality_id=kungur,
        ),
    ]
    session.add_all(agencies)
    incidents = [
        Incident(
            title="Яма на Ленина",
            topic_code="roads_potholes",
            category_code="roads",
            municipality_id=perm,
            address="Пермь, ул. Ленина, 5",
            post_count=1,  # a report is made of posts; the posts themselves do not matter here
        ),
        Incident(
            title="Не горит фонарь",
            topic_code="amenities_lighting",
            category_code="amenities",
            municipality_id=kungur,
            post_count=1,
        ),
    ]
    session.add_all(incidents)
    session.flush()
    if prepare is not None:
        ids = {
            "perm": perm,
            "kungur": kungur,
            "perm_agency": agencies[0].id or 0,
            "kungur_agency": agencies[1].id or 0,
        }
        prepare(session, ids)
    reports: list[Report] = []
    for incident, agency in zip(incidents, agencies, strict=True):
        reports.append(
            create_report(
                session,
                incident_id=incident.id or 0,
                expected_version=1,
                actor="test",
                user_id=None,
                calendar=WorkCalendar(),
                agency_id=agency.id,
            )
        )
    session.commit()
    return World(
        perm=perm,
        kungur=kungur,
        perm_agency=agencies[0].id or 0,
        kungur_agency=agencies[1].id or 0,
        perm_incident=incidents[0].id or 0,
        kungur_incident=incidents[1].id or 0,
        perm_report=reports[0].id or 0,
        kungur_report=reports[1].id or 0,
    )
