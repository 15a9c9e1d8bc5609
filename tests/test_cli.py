import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner

from otklik.cli import OtklikGroup, app

runner = CliRunner()


def _command_paths(command: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command path; typer ships its own click, so walk `.commands` duck-typed."""
    paths = [prefix]
    for name, sub in getattr(command, "commands", {}).items():
        paths.extend(_command_paths(sub, (*prefix, name)))
    return paths


COMMANDS = _command_paths(typer.main.get_command(app))
assert len(COMMANDS) > 10, "the command tree was not walked"


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "otklik")
def test_every_command_has_help(path: tuple[str, ...]) -> None:
    result = runner.invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output
    assert len(result.output.splitlines()) > 3


def test_db_upgrade_then_stats_json(configured: str, tmp_path: Path) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    second = runner.invoke(app, ["db", "upgrade"])
    assert "already up to date" in second.output

    path = tmp_path / "posts.jsonl"
    path.write_text(
        '{"external_id": "1", "text": "Нет света", "published_at": "2024-01-05T10:00:00Z"}\n'
        "not json\n",
        encoding="utf-8",
    )
    imported = runner.invoke(app, ["ingest", "jsonl", str(path), "--no-annotate"])
    assert "new: 1, already known: 0, quarantined: 1" in imported.output

    result = runner.invoke(app, ["stats", "--json"])
    assert result.exit_code == 0, result.output
    counts = json.loads(result.stdout.strip().splitlines()[-1])
    assert counts["sources"] == 1
    assert counts["posts"] == 1
    assert counts["quarantined"] == 1
    assert counts["reports_by_status"] == {}


@pytest.mark.parametrize("name", list(OtklikGroup.lazy_commands))
def test_listed_help_is_the_commands_own(name: str) -> None:
    """`otklik --help` prints the stored line; it must be what the command itself says."""
    root = typer.main.get_command(app)
    command = root.commands[name]  # imports the module
    assert command.help is not None
    assert command.help.split("\n\n")[0] == OtklikGroup.lazy_commands[name].help


def test_help_and_one_command_import_only_that_command() -> None:
    """`otklik --help` imports no subcommand; `otklik nlp --help` not the other commands."""
    probe = (
        "import json, sys\n"
        "from otklik.cli import main\n"
        "sys.argv = ['otklik', *sys.argv[1:]]\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(json.dumps(sorted(sys.modules)), file=sys.stderr)\n"
    )

    def imported(*args: str) -> set[str]:
        done = subprocess.run(
            [sys.executable, "-c", probe, *args], capture_output=True, text=True, check=True
        )
        return set(json.loads(done.stderr.strip().splitlines()[-1]))

    others = {f"otklik.cli.{name}" for name in ("ingest", "demo", "sources", "worker", "users")}
    heavy = {"sklearn", "natasha", "telethon", "vk_api", "rq", "alembic", "streamlit"}
    bare = imported("--help")
    assert {m for m in bare if m.startswith("otklik.cli.")} == {"otklik.cli.lazy"}
    assert not bare & heavy
    nlp = imported("nlp", "--help")
    assert {"otklik.cli.nlp", "sklearn", "natasha"} <= nlp
    assert not nlp & (others | {"telethon", "vk_api", "rq", "alembic", "streamlit"})


def test_settings_that_are_not_valid_are_named_not_a_traceback(tmp_path: Path) -> None:
    """Each bad `OTKLIK_*` variable is named with its reason, a secret's value never shown."""
    env = {
        "PATH": "/usr/bin:/bin",
        "OTKLIK_DATABASE_URL": f"sqlite:///{tmp_path / 'otklik.db'}",
        "OTKLIK_CONSOLE_URL": "cur.example.ru/reports?x=1",
        "OTKLIK_LOG_LEVEL": "loud",
        "OTKLIK_SMTP_PORT": "секрет-не-число",
    }
    done = subprocess.run(
        [sys.executable, "-m", "otklik", "sources", "list"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr + done.stdout
    named = [line.split(":")[0].strip() for line in done.stderr.splitlines()[1:]]
    assert sorted(named) == ["OTKLIK_CONSOLE_URL", "OTKLIK_LOG_LEVEL", "OTKLIK_SMTP_PORT"]
    assert "секрет" not in done.stderr


@pytest.mark.parametrize(
    ("url", "valid"),
    [
        ("https://cur.example.ru", True),
        ("http://10.0.0.5:8501/otklik/", True),
        ("cur.example.ru", False),
        ("https://cur.example.ru/?page=1", False),
        ("https://", False),
        ("https://cur example.ru", False),
    ],
)
def test_the_console_address_is_a_base_address(url: str, valid: bool) -> None:
    from pydantic import ValidationError

    from otklik.settings import Settings

    if valid:
        assert Settings(console_url=url).console_url == url
    else:
        with pytest.raises(ValidationError):
            Settings(console_url=url)
