"""`otklik ingest …` and `otklik sources …` against the configured test database."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from otklik.cli import app
from tests.ingest.vk_fake import FakeVk, vk_post

runner = CliRunner()
DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"


def test_import_demo_files_twice(configured: str) -> None:
    first = runner.invoke(app, ["ingest", "vk-dump", str(DEMO / "vk_wall.json"), "--no-annotate"])
    assert first.exit_code == 0, first.output
    assert "new: 52, already known: 0, quarantined: 0" in first.output
    again = runner.invoke(app, ["ingest", "vk-dump", str(DEMO / "vk_wall.json"), "--no-annotate"])
    assert "new: 0, already known: 52, quarantined: 0" in again.output
    tg = runner.invoke(
        app, ["ingest", "telegram-export", str(DEMO / "telegram_result.json"), "--no-annotate"]
    )
    assert "new: 37, already known: 0, quarantined: 0, skipped: 3" in tg.output


def test_csv_import_and_a_missing_column(configured: str, tmp_path: Path) -> None:
    path = tmp_path / "appeals.csv"
    path.write_text("id,date,body\n1,2024-03-01 10:00,Нет света в Кунгуре\n2,,пусто\n", "utf-8")
    ok = runner.invoke(
        app,
        ["ingest", "csv", str(path), "--text-column", "body", "--date-column", "date",
         "--id-column", "id", "--no-annotate"],
    )  # fmt: skip
    assert "new: 1, already known: 0, quarantined: 1" in ok.output, ok.output
    bad = runner.invoke(
        app, ["ingest", "csv", str(path), "--text-column", "text", "--date-column", "date"]
    )
    assert bad.exit_code == 1 and "no column text" in bad.output


def test_sources_add_list_disable(configured: str) -> None:
    added = runner.invoke(app, ["sources", "add", "vk_wall", "club100", "--name", "Пермь", "--hot"])
    assert added.exit_code == 0, added.output
    assert "source 1: vk_wall -100 (Пермь)" in added.output
    assert runner.invoke(app, ["sources", "add", "vk_wall", "perm"]).exit_code == 2
    user = runner.invoke(app, ["sources", "add", "vk_comments", "--", "-5"])
    assert "source 2: vk_comments -5" in user.output
    listed = runner.invoke(app, ["sources", "list"])
    assert "status=ok" in listed.output and "hot=yes" in listed.output
    assert runner.invoke(app, ["sources", "disable", "1"]).exit_code == 0
    assert "status=disabled" in runner.invoke(app, ["sources", "list"]).output
    assert runner.invoke(app, ["sources", "enable", "1"]).exit_code == 0
    assert "status=ok" in runner.invoke(app, ["sources", "list"]).output.splitlines()[0]
    assert runner.invoke(app, ["sources", "disable", "99"]).exit_code == 1


def test_sources_role_is_set_and_changed(configured: str) -> None:
    added = runner.invoke(app, ["sources", "add", "telegram", "@admin_news", "--role", "authority"])
    assert added.exit_code == 0, added.output
    assert "role=authority" in runner.invoke(app, ["sources", "list"]).output
    assert runner.invoke(app, ["sources", "role", "1", "media"]).exit_code == 0
    assert "role=media" in runner.invoke(app, ["sources", "list"]).output
    assert runner.invoke(app, ["sources", "role", "1", "mayor"]).exit_code == 2
    assert runner.invoke(app, ["sources", "role", "99", "media"]).exit_code == 1
    dump = runner.invoke(app, ["ingest", "vk-dump", str(DEMO / "vk_wall.json"), "--role",
                               "residents", "--no-annotate"])  # fmt: skip
    assert dump.exit_code == 0, dump.output
    assert "role=residents" in runner.invoke(app, ["sources", "list"]).output.splitlines()[1]


def test_vk_wall_crawl_command(
    configured: str, fake_vk: FakeVk, monkeypatch: pytest.MonkeyPatch
) -> None:
    from otklik.settings import get_settings

    monkeypatch.setenv("OTKLIK_VK_TOKEN", "vk1.a.secret-token")
    monkeypatch.setenv("OTKLIK_VK_RPS_DELAY", "0")
    get_settings.cache_clear()
    fake_vk.walls[-7] = [vk_post(-7, n, 1_700_000_000 + n, f"Пост {n}") for n in (3, 2, 1)]

    result = runner.invoke(app, ["ingest", "vk-wall", "--owner-id", "-7", "--no-annotate"])

    assert result.exit_code == 0, result.output
    assert "new: 3, already known: 0, quarantined: 0, skipped: 0, status: ok" in result.output
    assert "secret-token" not in result.output
    fake_vk.errors = {2: 5}
    broken = runner.invoke(app, ["ingest", "vk-wall", "--owner-id", "-7", "--no-annotate"])
    assert "status: broken" in broken.output and broken.exit_code == 1


def test_crawl_without_credentials_is_a_clear_error(configured: str) -> None:
    result = runner.invoke(app, ["ingest", "telegram", "--channel", "@perm", "--no-annotate"])
    assert result.exit_code == 1
    assert "status: broken" in result.output and "OTKLIK_TELEGRAM_API" in result.output
    listed = runner.invoke(app, ["sources", "list"])
    assert "last_error=broken: no Telegram credentials" in listed.output


def test_sources_add_names_a_community_from_groups_get_by_id(
    configured: str, fake_vk: FakeVk, monkeypatch: pytest.MonkeyPatch
) -> None:
    from otklik.settings import get_settings

    monkeypatch.setenv("OTKLIK_VK_TOKEN", "vk1.a.secret-token")
    monkeypatch.setenv("OTKLIK_VK_RPS_DELAY", "0")
    get_settings.cache_clear()
    fake_vk.groups["123"] = {"id": 123, "name": "Администрация Кунгура", "screen_name": "kungur"}
    fake_vk.groups["9"] = {"id": 9, "name": "DELETED", "screen_name": "x", "deactivated": "deleted"}

    added = runner.invoke(app, ["sources", "add", "vk_wall", "club123"])
    gone = runner.invoke(app, ["sources", "add", "vk_wall", "club9"])

    assert "vk_wall -123 (Администрация Кунгура)" in added.output, added.output
    assert gone.exit_code == 1 and "deleted" in gone.output
