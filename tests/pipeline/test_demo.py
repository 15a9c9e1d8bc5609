from datetime import timedelta

import pytest
from sqlalchemy import Engine, func, select
from sqlmodel import Session

from models.annotation import Annotation
from models.clock import now
from models.incident import Incident
from models.post import PipelineStage, Post
from models.report import Report, ReportStatus
from models.user import User
from otklik import resources
from otklik.cli.demo import DEMO_USERS, prepare_demo
from otklik.runtime import get_engine
from otklik.settings import get_settings
from triage.same_place import neighbours, returned_problem


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # the demo's own default
def test_the_demo_runs_its_posts_through_the_whole_pipeline(configured: str) -> None:
    resources.clear()
    lines: list[str] = []
    engine = get_engine()

    summary = prepare_demo(engine=engine, settings=get_settings(), echo=lines.append)

    assert summary.skipped == [], summary.skipped
    assert summary.imported >= 80
    with Session(engine) as session:
        stages = dict(session.execute(select(Post.stage, func.count()).group_by(Post.stage)).all())
        annotations = session.execute(select(func.count()).select_from(Annotation)).scalar_one()
        users = session.execute(select(User.username)).scalars().all()
    assert stages == {PipelineStage.TRIAGED: summary.imported}
    assert annotations == summary.imported  # one annotation per post
    assert sorted(users) == sorted(username for username, _, _ in DEMO_USERS)
    _assert_reports(engine, summary.reports)

    again = prepare_demo(engine=engine, settings=get_settings(), echo=lines.append)
    assert (again.imported, again.known) == (0, summary.imported)  # a second run changes nothing
    assert again.progress.annotated == 0
    assert again.reports == 0  # made once, while the database holds no report


def _assert_reports(engine: Engine, made: int) -> None:
    """A month of work on the demo's incidents: closed and open reports, one per problem and
    place, the open ones made hours ago, and the outage written about again after its
    resolution offered for reopening."""
    with Session(engine) as session:
        reports = session.execute(select(Report)).scalars().all()
        incidents = session.execute(select(Incident)).scalars().all()
        listed = {i.id: neighbours(session, incident=i) for i in incidents}
    assert made == len(reports) >= 8
    statuses = {report.status for report in reports}
    assert {ReportStatus.RESOLVED, ReportStatus.SENT, ReportStatus.NEW} <= statuses
    reported = {report.incident_id for report in reports}
    for incident_id in reported:
        assert not any(n.same_problem and n.incident.id in reported for n in listed[incident_id])
    waiting = (ReportStatus.NEW, ReportStatus.SENT, ReportStatus.IN_PROGRESS)
    still_open = [r for r in reports if r.status in waiting]  # the agency owes an answer
    assert still_open
    # made hours before the demo runs, whenever that is: not weeks overdue like the posts
    assert all(r.created_at > now() - timedelta(days=1) for r in still_open)
    # urgent reports answered in time and one late: «В срок» is neither 0% nor 100%
    answered = [r for r in reports if r.urgent and r.first_answer_at is not None]
    in_time = [r for r in answered if r.first_answer_at <= r.due_at]
    assert 0 < len(in_time) < len(answered)
    back = [i for i in incidents if returned_problem(i, listed[i.id]) is not None]
    assert back, "no incident offers to reopen a resolved report"
