import json
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select
from typer.testing import CliRunner

from models.audit import AuditEvent
from models.clock import frozen_at
from models.post import Post
from models.post_store import store_posts
from models.quarantine import QuarantineRecord, quarantine
from otklik import privacy
from otklik.cli import app
from otklik.runtime import get_engine
from tests.pipeline.helpers import make_source, post

runner = CliRunner()
LONG_AGO = datetime(2024, 1, 1, tzinfo=UTC)
RECENTLY = datetime(2024, 12, 1, tzinfo=UTC)
TODAY = datetime(2024, 12, 10, tzinfo=UTC)


def _store_at(session: Session, moment: datetime, posts: list) -> list[int]:
    source_id = make_source(session)
    with frozen_at(moment):
        ids = store_posts(session, source_id=source_id, posts=posts).new_ids
        session.commit()
    return ids


def test_purge_empties_only_payloads_older_than_the_retention(session: Session) -> None:
    old = _store_at(session, LONG_AGO, [post("1", "Яма на Ленина", author_id="7")])
    new = _store_at(session, RECENTLY, [post("2", "Нет воды", author_id="7")])
    with frozen_at(LONG_AGO):
        quarantine(session, stage="ingest", reason="invalid JSON", raw=b"{broken")
        session.commit()

    with frozen_at(TODAY):
        purged = privacy.purge_raw_payloads(session, older_than_days=180)
        again = privacy.purge_raw_payloads(session, older_than_days=180)

    assert (purged, again) == (1, 0)
    session.expire_all()
    assert session.get(Post, old[0]).raw == {}
    assert session.get(Post, old[0]).text == "Яма на Ленина"  # the post itself stays
    assert session.get(Post, new[0]).raw["from_id"] == "7"
    assert session.exec(select(QuarantineRecord.raw)).one() == b""


def test_export_has_every_post_of_the_author_and_nobody_else(session: Session) -> None:
    _store_at(
        session,
        RECENTLY,
        [
            post("1", "Яма на Ленина", author_id="7"),
            post("2", "Нет воды", author_id="8"),
            post("3", "Не горит фонарь", author_id="7"),
        ],
    )
    document = privacy.export_author(session, author_id="7")
    assert [item["text"] for item in document["posts"]] == ["Яма на Ленина", "Не горит фонарь"]
    assert document["posts"][0]["raw"]["from_id"] == "7"
    json.dumps(document, ensure_ascii=False)  # JSON-ready


def test_erase_removes_personal_data_keeps_rows_and_audits(session: Session) -> None:
    ids = _store_at(
        session,
        RECENTLY,
        [
            post("1", "Яма у дома 5, звоните 89001234567", author_id="7"),
            post("2", "Нет воды", author_id="8"),
        ],
    )
    erased = privacy.erase_author(session, author_id="7", actor="operator", user_id=None)

    assert erased == 1
    session.expire_all()
    gone, kept = session.get(Post, ids[0]), session.get(Post, ids[1])
    assert gone.text == privacy.ERASED_TEXT and gone.text_original == privacy.ERASED_TEXT
    assert (gone.author_id, gone.raw, gone.url) == (None, {}, None)
    assert kept.text == "Нет воды" and kept.author_id == "8"
    assert privacy.export_author(session, author_id="7")["posts"] == []
    event = session.exec(select(AuditEvent)).one()
    assert (event.action, event.entity_id) == ("erase_personal_data", ids[0])
    assert "89001234567" not in json.dumps(event.after)


def test_privacy_commands(configured: str, tmp_path) -> None:
    with Session(get_engine()) as session:
        _store_at(
            session, datetime.now(UTC) - timedelta(days=400), [post("1", "Яма", author_id="7")]
        )

    exported = tmp_path / "author.json"
    result = runner.invoke(app, ["privacy", "export", "7", "--output", str(exported)])
    assert result.exit_code == 0, result.output
    assert json.loads(exported.read_text(encoding="utf-8"))["posts"][0]["text"] == "Яма"

    result = runner.invoke(app, ["privacy", "purge"])
    assert "raw payloads purged: 1" in result.output

    result = runner.invoke(app, ["privacy", "erase", "7", "--yes"])
    assert "posts erased: 1" in result.output
