"""`otklik api token issue / list / revoke`, and the issued token working over HTTP."""

from sqlalchemy import Engine
from sqlmodel import Session
from typer.testing import CliRunner

from models.api_token import ApiToken
from otklik.cli import app
from tests.scope_world import build_world
from triage.api_tokens import digest, token_agency

runner = CliRunner()


def test_issue_prints_the_token_once_and_stores_its_digest(configured: str, engine: Engine) -> None:
    with Session(engine) as session:
        world = build_world(session)
    issued = runner.invoke(
        app, ["api", "token", "issue", "--agency", "Администрация Перми", "--label", "их CRM"]
    )
    assert issued.exit_code == 0, issued.output
    token = issued.stdout.strip().splitlines()[-1]
    assert token.startswith("otk_")
    with Session(engine) as session:
        stored = session.get(ApiToken, 1)
        assert stored is not None
        assert stored.token_hash == digest(token) and token not in stored.token_hash
        assert token_agency(session, token=token) == world.perm_agency
    listed = runner.invoke(app, ["api", "token", "list"])
    assert "их CRM" in listed.stdout and "active" in listed.stdout
    assert token not in listed.stdout
    revoked = runner.invoke(app, ["api", "token", "revoke", "1"])
    assert revoked.exit_code == 0
    with Session(engine) as session:
        assert token_agency(session, token=token) is None
    unknown = runner.invoke(app, ["api", "token", "issue", "--agency", "Нет такого"])
    assert unknown.exit_code == 1
    assert "no agency" in unknown.output


def test_api_help_names_host_and_port() -> None:
    result = runner.invoke(app, ["api", "--help"])
    assert result.exit_code == 0
    assert "--host" in result.output and "--port" in result.output
