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
    assert "role guessed: media" in result.output  # the page only publishes its own posts
    assert [name for name, _ in fake_vk.calls] == ["wall.get", "groups.getById"]
    fake_vk.errors = {3: 5}
    broken = runner.invoke(app, ["ingest", "vk-wall", "--owner-id", "-7", "--no-annotate"])
    assert "status: broken" in broken.output and broken.exit_code == 1


def test_a_cli_crawl_waits_for_no_one_and_never_runs_twice(
    configured: str, fake_vk: FakeVk, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another crawl of the source holds its lock: the CLI crawl makes no request."""
    from models.db import make_engine
    from otklik.crawl_guard import database_guard
    from otklik.settings import get_settings

    assert runner.invoke(app, ["sources", "add", "vk_wall", "--", "-7"]).exit_code == 0
    monkeypatch.setenv("OTKLIK_VK_TOKEN", "vk1.a.secret-token")
    monkeypatch.setenv("OTKLIK_VK_RPS_DELAY", "0")
    get_settings.cache_clear()
    fake_vk.walls[-7] = [vk_post(-7, n, 1_700_000_000 + n, f"Пост {n}") for n in (3, 2, 1)]
    engine = make_engine(configured)
    with database_guard(engine, ttl_seconds=600)(1) as acquired:
        assert acquired
        result = runner.invoke(app, ["ingest", "vk-wall", "--owner-id", "-7", "--no-annotate"])
    engine.dispose()
    assert result.exit_code == 1 and "already being crawled" in result.output
    assert fake_vk.calls == []
    after = runner.invoke(app, ["ingest", "vk-wall", "--owner-id", "-7", "--no-annotate"])
    assert "new: 3" in after.output, after.output


def test_crawl_without_credentials_is_a_configuration_error(configured: str) -> None:
    """A missing setting says so; it is not the source's health (the source stays ok)."""
    assert runner.invoke(app, ["sources", "add", "telegram", "perm"]).exit_code == 0
    result = runner.invoke(app, ["ingest", "telegram", "--channel", "@perm", "--no-annotate"])
    assert result.exit_code == 1
    assert "OTKLIK_TELEGRAM_API" in result.output and "Traceback" not in result.output
    listed = runner.invoke(app, ["sources", "list"])
    assert "status=ok" in listed.output and "broken" not in listed.output
    assert "last_error" not in listed.output


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


def test_ingest_jsonl_sends_posts_on_to_nlp_unless_told_not_to(
    configured: str, tmp_path: Path
) -> None:
    from sqlmodel import Session, select

    from models.db import make_engine
    from models.post import PipelineStage, Post

    engine = make_engine(configured)
    kept = tmp_path / "kept.jsonl"
    kept.write_text(
        '{"external_id": "k1", "text": "Прорвало трубу", "published_at": "2024-01-05T10:00:00Z"}\n'
    )
    sent = tmp_path / "sent.jsonl"
    sent.write_text(
        '{"external_id": "s1", "text": "Прорвало трубу", "published_at": "2024-01-05T10:00:00Z"}\n'
    )
    stopped = runner.invoke(app, ["ingest", "jsonl", str(kept), "--no-annotate"])
    forwarded = runner.invoke(app, ["ingest", "jsonl", str(sent)])
    assert stopped.exit_code == 0 and "sent on" not in stopped.output
    assert forwarded.exit_code == 0, forwarded.output
    assert "sent on" in forwarded.output
    with Session(engine) as session:
        stages = dict(session.exec(select(Post.external_id, Post.stage)).all())
    engine.dispose()
    assert stages["k1"] == PipelineStage.INGESTED
    assert stages["s1"] != PipelineStage.INGESTED


def test_sources_add_takes_a_negative_id_with_options_after_it(configured: str) -> None:
    """The README's form: `sources add vk_wall -300 --interval 60` (no `--` needed)."""
    from sqlmodel import Session, select

    from models.db import make_engine
    from models.source import Source

    first = runner.invoke(app, ["sources", "add", "vk_wall", "-300", "--interval", "60"])
    assert first.exit_code == 0, first.output
    second = runner.invoke(app, ["sources", "add", "vk_comments", "--interval", "90", "--", "-7"])
    assert second.exit_code == 0, second.output
    engine = make_engine(configured)
    with Session(engine) as session:
        stored = session.exec(select(Source.target, Source.interval_seconds)).all()
    engine.dispose()
    assert sorted(stored) == [("-300", 60), ("-7", 90)]
