"""Demo logins (printed passwords) are never added to a database that has real users."""

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from otklik.cli.demo import DEMO_USERS, DemoSummary, create_demo_logins
from triage.accounts import create_user, get_user, list_users


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_no_demo_logins_beside_real_users(engine: Engine) -> None:
    with Session(engine) as session:
        create_user(session, username="ivanova", password="настоящий-пароль", role="operator")
    summary = DemoSummary()
    create_demo_logins(engine, summary)
    with Session(engine) as session:
        assert [u.username for u in list_users(session)] == ["ivanova"]
    assert summary.users == [] and "real users" in summary.skipped[0]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_demo_logins_on_an_empty_database_and_again(engine: Engine) -> None:
    for _ in range(2):  # a second demo run on the demo database keeps its logins
        summary = DemoSummary()
        create_demo_logins(engine, summary)
        assert len(summary.users) == len(DEMO_USERS)
    with Session(engine) as session:
        assert all(get_user(session, username=name) for name, _, _ in DEMO_USERS)
