import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from models.audit import AuditEvent
from models.user import Role, User
from otklik.cli import app
from triage.accounts import (
    RIGHTS,
    AccountError,
    Right,
    authenticate,
    create_user,
    deactivate_user,
    has_right,
)


def test_password_is_stored_as_argon2id_and_authenticates(session: Session) -> None:
    user = create_user(session, username="olga", password="секрет-123", role=Role.MODERATOR)
    assert user.password_hash.startswith("$argon2id$")
    assert "секрет-123" not in user.password_hash
    assert authenticate(session, username="olga", password="секрет-123") is not None
    assert authenticate(session, username="olga", password="секрет-124") is None
    assert authenticate(session, username="nobody", password="секрет-123") is None
    stamped = session.exec(select(User).where(User.username == "olga")).one()
    assert stamped.last_login_at is not None


def test_deactivated_user_cannot_sign_in_and_changes_are_audited(session: Session) -> None:
    create_user(session, username="ivan", password="длинный-пароль", role=Role.OPERATOR)
    deactivate_user(session, username="ivan", actor="admin")
    assert authenticate(session, username="ivan", password="длинный-пароль") is None
    actions = [e.action for e in session.exec(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions == ["create", "deactivate"]


@pytest.mark.parametrize(
    ("username", "password", "role", "message"),
    [
        ("", "длинный-пароль", "admin", "empty"),
        ("petr", "short", "admin", "at least"),
        ("petr", "длинный-пароль", "root", "unknown role"),
    ],
)
def test_bad_accounts_are_refused(
    session: Session, username: str, password: str, role: str, message: str
) -> None:
    with pytest.raises(AccountError, match=message):
        create_user(session, username=username, password=password, role=role)


def test_duplicate_username_is_refused(session: Session) -> None:
    create_user(session, username="anna", password="длинный-пароль", role=Role.ADMIN)
    with pytest.raises(AccountError, match="already exists"):
        create_user(session, username="anna", password="другой-пароль", role=Role.ADMIN)


@pytest.mark.parametrize(
    ("role", "right", "granted"),
    [
        (Role.OPERATOR, Right.VIEW_QUEUE, False),
        (Role.OPERATOR, Right.HANDLE_REPORTS, True),
        (Role.MODERATOR, Right.REVIEW_POSTS, True),
        (Role.MODERATOR, Right.MANAGE_MODEL, False),
        (Role.MODERATOR, Right.MANAGE_SOURCES, False),
        (Role.ADMIN, Right.MANAGE_MODEL, True),
        (Role.OPERATOR, Right.MANAGE_TAXONOMY, False),
        (Role.MODERATOR, Right.MANAGE_TAXONOMY, False),
        (Role.ADMIN, Right.MANAGE_TAXONOMY, True),
        ("root", Right.VIEW_ANALYTICS, False),
    ],
)
def test_rights_table(role: str, right: Right, granted: bool) -> None:
    assert has_right(role, right) is granted


def test_admin_has_every_right() -> None:
    assert RIGHTS[Role.ADMIN] == frozenset(Right)


def test_users_add_cli_never_echoes_the_password(configured: str) -> None:
    runner = CliRunner()
    result = runner.invoke(
        app, ["users", "add", "marina", "--role", "moderator"], input="пароль-марины\n" * 2
    )
    assert result.exit_code == 0, result.output
    assert "пароль-марины" not in result.output
    assert "user marina created, role moderator" in result.output
    again = runner.invoke(
        app, ["users", "add", "marina"], env={"OTKLIK_NEW_USER_PASSWORD": "ещё-пароль-1"}
    )
    assert again.exit_code == 1
    assert "already exists" in again.output
    listed = runner.invoke(app, ["users", "list"])
    assert "marina\tmoderator\tactive" in listed.output
    assert runner.invoke(app, ["users", "deactivate", "marina"]).exit_code == 0
    assert "deactivated" in runner.invoke(app, ["users", "list"]).output


def test_users_role_and_reactivate_cli_keep_an_admin(configured: str, engine: Engine) -> None:
    runner = CliRunner()
    env = {"OTKLIK_NEW_USER_PASSWORD": "пароль-для-тестов"}
    assert runner.invoke(app, ["users", "add", "anna", "--role", "admin"], env=env).exit_code == 0
    assert runner.invoke(app, ["users", "add", "boris"], env=env).exit_code == 0

    last = runner.invoke(app, ["users", "role", "anna", "operator"])
    assert last.exit_code == 1 and "last active admin" in last.output
    assert runner.invoke(app, ["users", "deactivate", "anna"]).exit_code == 1
    promoted = runner.invoke(app, ["users", "role", "boris", "admin", "--actor", "anna"])
    assert promoted.exit_code == 0 and "user boris: role admin" in promoted.output
    assert runner.invoke(app, ["users", "deactivate", "anna", "--actor", "boris"]).exit_code == 0
    assert runner.invoke(app, ["users", "reactivate", "anna"]).exit_code == 0
    listed = runner.invoke(app, ["users", "list"]).output
    assert "anna\tadmin\tactive" in listed and "boris\tadmin\tactive" in listed
    for command in (
        ["reactivate", "nobody"],
        ["deactivate", "nobody"],
        ["role", "nobody", "admin"],
    ):
        refused = runner.invoke(app, ["users", *command])
        assert refused.exit_code == 1 and "no user 'nobody'" in refused.output
    with Session(engine) as session:
        events = session.exec(
            select(AuditEvent).where(AuditEvent.entity_type == "user").order_by(col(AuditEvent.id))
        ).all()
        changes = [(e.actor, e.action, (e.after or {}).get("username")) for e in events]
    assert changes[-3:] == [
        ("anna", "change_role", "boris"),
        ("boris", "deactivate", "anna"),
        ("cli", "reactivate", "anna"),
    ]
