import json
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select
from typer.testing import CliRunner

from models.audit import AuditEvent
from models.clock import frozen_at
from models.incident import Incident
from models.post import Post
from models.post_store import store_posts
from models.quarantine import QuarantineRecord, quarantine
from otklik import privacy
from otklik.cli import app
from otklik.runtime import get_engine
from tests.pipeline.helpers import make_source, post
from tests.triage import factories as f
from triage.calendar import WorkCalendar
from triage.incidents import create_incident
from triage.report_list import list_reports
from triage.reports import create_report

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


PHONE = "89001234567"


def _incident_from_author(session: Session) -> tuple[int, int]:
    """An incident (and its report) raised by author 7's post, which names a phone."""
    source_id = f.source(session)
    post_id = f.annotated_post(
        session, source_id=source_id, text=f"Прорвало трубу, звоните {PHONE}", municipality_id=None
    )
    stored = session.get_one(Post, post_id)
    stored.author_id = "7"
    incident = create_incident(
        session, post=stored, annotation=None, address=None, reason={}, actor="triage"
    )
    session.commit()
    return post_id, incident.id or 0


def _quarantine_of(session: Session, author: int) -> None:
    raw = json.dumps({"from_id": author, "text": f"звоните {PHONE}", "date": "x"})
    quarantine(session, stage="ingest", reason="VK item date is not a unix time", raw=raw)
    session.commit()


def test_erase_reaches_incident_titles_audit_quarantine_and_reports(session: Session) -> None:
    f.taxonomy(session)
    _, incident_id = _incident_from_author(session)
    _quarantine_of(session, 7)
    _quarantine_of(session, 8)
    report = create_report(
        session,
        incident_id=incident_id,
        expected_version=session.get_one(Incident, incident_id).version,
        actor="anna",
        user_id=None,
        calendar=WorkCalendar(),
    )
    session.commit()

    document = privacy.export_author(session, author_id="7")
    assert [item["id"] for item in document["incidents"]] == [incident_id]
    assert PHONE in document["incidents"][0]["title"]
    assert len(document["quarantined"]) == 1 and PHONE in document["quarantined"][0]["raw"]
    assert {event["entity_type"] for event in document["audit_events"]} >= {"post", "incident"}

    privacy.erase_author(session, author_id="7", actor="operator", user_id=None)

    session.expire_all()
    assert PHONE not in session.get_one(Incident, incident_id).title
    events = session.exec(select(AuditEvent)).all()
    logged = [json.dumps([e.before, e.after], ensure_ascii=False) for e in events]
    assert not [text for text in logged if PHONE in text]
    raws = session.exec(select(QuarantineRecord.raw).order_by(QuarantineRecord.id)).all()
    assert raws[0] == b"" and b'"from_id": 8' in raws[1]
    (row,) = list_reports(session, now=TODAY, report_id=report.id)
    assert PHONE not in row.title
    after = privacy.export_author(session, author_id="7")
    assert (after["posts"], after["quarantined"]) == ([], [])
