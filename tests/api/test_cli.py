"""`otklik api token issue / list / revoke`, and the issued token working over HTTP."""

import os
import subprocess
import sys
import time

import requests
from sqlalchemy import Engine
from sqlmodel import Session
from typer.testing import CliRunner

from models.api_token import ApiToken
from otklik.cli import app
from tests.api.conftest import free_port
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


def test_otklik_api_serves_the_configured_database(configured: str, engine: Engine) -> None:
    """The real command in a subprocess: settings, engine, uvicorn, a token issued by the CLI."""
    with Session(engine) as session:
        world = build_world(session)
    issued = runner.invoke(app, ["api", "token", "issue", "--agency", str(world.kungur_agency)])
    token = issued.stdout.strip().splitlines()[-1]
    port = free_port()
    env = {**os.environ, "OTKLIK_DATABASE_URL": configured, "OTKLIK_API_PORT": str(port)}
    env.pop("OTKLIK_REDIS_URL", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "otklik", "api"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}/open311/v2"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                services = requests.get(f"{base}/services.json", timeout=20)
                break
            except requests.ConnectionError:
                assert server.poll() is None, server.stdout.read().decode()  # type: ignore[union-attr]
                assert time.monotonic() < deadline, "otklik api did not start"
                time.sleep(0.2)
        assert services.status_code == 200 and len(services.json()) == 3
        rows = requests.get(
            f"{base}/requests.json", headers={"Authorization": f"Bearer {token}"}, timeout=5
        ).json()
        assert [r["service_request_id"] for r in rows] == [str(world.kungur_report)]
    finally:
        server.terminate()
        server.wait(timeout=20)
