import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from models.annotation import Annotation
from models.post import PipelineStage, Post
from models.user import User
from otklik import resources
from otklik.cli.demo import DEMO_USERS, prepare_demo
from otklik.runtime import get_engine
from otklik.settings import get_settings


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

    again = prepare_demo(engine=engine, settings=get_settings(), echo=lines.append)
    assert (again.imported, again.known) == (0, summary.imported)  # a second run changes nothing
    assert again.progress.annotated == 0
