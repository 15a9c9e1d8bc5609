"""Editing the rubricator: import/export, replace, topic edits, refusals — on both databases."""

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, func, select
from typer.testing import CliRunner

from models.audit import AuditEvent
from models.post import Post, ReviewStatus
from models.taxonomy import Category, Topic
from otklik.cli import app
from otklik.paths import DATA_DIR
from triage.taxonomy import (
    FORMAT,
    TaxonomyError,
    add_category,
    add_topic,
    export_taxonomy,
    import_taxonomy,
    update_category,
    update_topic,
)

runner = CliRunner()


def _default() -> dict[str, Any]:
    return json.loads((DATA_DIR / "taxonomy.json").read_text(encoding="utf-8"))


def _count(session: Session, model: type[Category] | type[Topic]) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def _imported(session: Session) -> None:
    import_taxonomy(session, _default(), replace=False, actor="admin", user_id=None)
    session.commit()


def test_the_default_file_imports_and_round_trips(session: Session) -> None:
    first = import_taxonomy(session, _default(), replace=True, actor="admin", user_id=None)
    session.commit()
    assert (len(first.added), first.updated, first.deactivated) == (28 + 198, [], [])
    potholes = session.get(Topic, "roads_potholes")
    assert potholes is not None and (potholes.category_code, potholes.sla_hours) == ("roads", 72)
    exported = export_taxonomy(session)
    assert exported["format"] == FORMAT
    assert [c["code"] for c in exported["categories"]] == [
        c["code"] for c in _default()["categories"]
    ]
    again = import_taxonomy(session, exported, replace=True, actor="admin", user_id=None)
    assert (again.added, again.updated, again.deactivated, again.unchanged) == ([], [], [], 226)


def test_replace_deactivates_what_the_file_leaves_out(session: Session) -> None:
    _imported(session)
    document = _default()
    roads = document["categories"][0]
    assert roads["code"] == "roads"
    document["categories"] = [roads]
    roads["topics"] = [t for t in roads["topics"] if t["code"] != "roads_snow"]
    roads["topics"][0]["sla_hours"] = 48
    roads["topics"].append({"code": "roads_noise_screens", "name": "Шумозащитные экраны",
                            "sla_hours": 80, "agency_type": "road_agency"})  # fmt: skip
    result = import_taxonomy(session, document, replace=True, actor="admin", user_id=None)
    session.commit()
    assert result.added == ["roads_noise_screens"]
    assert result.updated == ["roads_potholes"]
    assert "roads_snow" in result.deactivated and "housing" in result.deactivated
    assert len(result.deactivated) == 27 + 198 - len(roads["topics"]) + 1  # + roads_snow
    snow = session.get(Topic, "roads_snow")
    assert snow is not None and snow.active is False  # kept: posts and reports refer to it
    assert _count(session, Topic) == 199
    events = session.exec(select(AuditEvent).where(AuditEvent.action == "deactivate")).all()
    assert {e.after["code"] for e in events if e.after} == set(result.deactivated)
    update = session.exec(select(AuditEvent).where(AuditEvent.action == "update")).one()
    assert (update.entity_type, update.actor) == ("topic", "admin")
    assert update.before and update.after
    assert (update.before["sla_hours"], update.after["sla_hours"]) == (72, 48)


def test_an_invalid_file_lists_every_problem_and_changes_nothing(session: Session) -> None:
    _imported(session)
    document = _default()
    document["categories"][0]["topics"][0]["sla_hours"] = 0
    document["categories"][0]["topics"][1]["code"] = "Roads Snow"
    document["categories"][1]["name"] = "  "
    document["categories"][2]["topics"][0]["urgent"] = "yes"
    document["categories"][3]["topics"].append(dict(document["categories"][3]["topics"][0]))
    document["categories"][0]["topics"][2]["name"] = "Новое имя"  # valid, must not land either
    with pytest.raises(TaxonomyError) as caught:
        import_taxonomy(session, document, replace=True, actor="admin", user_id=None)
    problems = caught.value.problems
    assert len(problems) == 5, problems
    assert any("sla_hours must be between 1 and 2000, not 0" in p for p in problems)
    assert any("'Roads Snow'" in p for p in problems)
    assert any("the name is empty" in p for p in problems)
    assert any("urgent must be true or false" in p for p in problems)
    assert any("is used twice" in p for p in problems)
    session.rollback()
    repair = session.get(Topic, "roads_repair")
    assert repair is not None and repair.name != "Новое имя"
    assert all(topic.active for topic in session.exec(select(Topic)))


@pytest.mark.parametrize(
    "document",
    [{"categories": []}, {"format": FORMAT, "categories": []}, [], {"format": FORMAT}],
)
def test_not_a_rubricator_file(session: Session, document: Any) -> None:
    with pytest.raises(TaxonomyError):
        import_taxonomy(session, document, replace=False, actor="admin", user_id=None)


def test_update_a_topic_with_audit_and_refusals(session: Session) -> None:
    _imported(session)
    changes = {"sla_hours": 24, "urgent": True, "name": " Ямы "}
    update_topic(session, code="roads_potholes", changes=changes, expected={"sla_hours": 72},
                 actor="admin", user_id=None)  # fmt: skip
    session.commit()
    topic = session.get(Topic, "roads_potholes")
    assert topic is not None and (topic.sla_hours, topic.urgent, topic.name) == (24, True, "Ямы")
    event = session.exec(select(AuditEvent).order_by(col(AuditEvent.id).desc())).first()
    assert event is not None and (event.entity_type, event.action) == ("topic", "update")
    assert event.before and event.after and event.before["name"] == "Ямы и выбоины на дороге"
    refusals = [
        ({"sla_hours": 0}, None, "sla_hours must be between 1 and 2000"),
        ({"sla_hours": 2.5}, None, "whole number"),
        ({"name": ""}, None, "the name is empty"),
        ({"agency_type": "Дорожная служба"}, None, "lowercase identifier"),
        ({"code": "x"}, None, "code cannot be edited"),
        ({"category_code": "nowhere"}, None, "category nowhere does not exist"),
        ({"sla_hours": 30}, {"sla_hours": 72}, "changed by someone else"),  # a stale edit
    ]
    for changes, expected, reason in refusals:
        with pytest.raises(TaxonomyError, match=reason):
            update_topic(session, code="roads_potholes", changes=changes, expected=expected,
                         actor="admin", user_id=None)  # fmt: skip
    with pytest.raises(TaxonomyError, match="does not exist"):
        update_topic(session, code="nope", changes={"sla_hours": 5}, actor="a", user_id=None)
    session.rollback()
    topic = session.get(Topic, "roads_potholes")
    assert topic is not None and topic.sla_hours == 24


def test_add_a_topic_last_in_its_category(session: Session) -> None:
    _imported(session)
    values = {"code": "roads_noise_screens", "category_code": "roads", "name": "Экраны"}
    topic = add_topic(session, values=values, actor="admin", user_id=None)
    session.commit()
    roads = session.exec(select(Topic).where(Topic.category_code == "roads")).all()
    assert topic.position == max(t.position for t in roads) and topic.sla_hours == 40
    with pytest.raises(TaxonomyError, match="already exists"):
        add_topic(session, values=values, actor="admin", user_id=None)
    with pytest.raises(TaxonomyError, match="category nowhere does not exist"):
        add_topic(session, values=values | {"code": "x1", "category_code": "nowhere"},
                  actor="admin", user_id=None)  # fmt: skip


def test_cli_list_export_import(configured: str, tmp_path: Path) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    listed = runner.invoke(app, ["taxonomy", "list"])
    assert listed.exit_code == 0, listed.output
    assert "roads_snow  24h U  road_agency" in listed.output
    exported = tmp_path / "taxonomy.json"
    assert runner.invoke(app, ["taxonomy", "export", "--output", str(exported)]).exit_code == 0
    document = json.loads(exported.read_text("utf-8"))
    document["categories"] = document["categories"][:1]
    exported.write_text(json.dumps(document, ensure_ascii=False), "utf-8")
    imported = runner.invoke(app, ["taxonomy", "import", str(exported), "--replace"])
    assert imported.exit_code == 0, imported.output
    assert "added: 0, updated: 0, deactivated: " in imported.output
    assert "[inactive]" not in runner.invoke(app, ["taxonomy", "list"]).output
    assert "housing: " in runner.invoke(app, ["taxonomy", "list", "--inactive"]).output
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "otklik-taxonomy/1", "categories": [{"code": "a"', "utf-8")
    refused = runner.invoke(app, ["taxonomy", "import", str(broken)])
    assert refused.exit_code == 2 and "is not a UTF-8 JSON file" in refused.output


def test_a_deactivated_topic_is_never_auto_accepted(session: Session, engine: Engine) -> None:
    """Until the next retrain the model still predicts it; a moderator picks a current one."""
    from otklik.stage_runs import TriageTools, triage_batch
    from tests.triage import factories as f
    from triage.stage import triage_posts
    from triage.thresholds import Thresholds

    f.taxonomy(session)
    place, source = f.municipality(session, "Пермский городской округ"), f.source(session)
    update_topic(session, code="roads_potholes", changes={"active": False}, actor="admin",
                 user_id=None)  # fmt: skip
    update_category(session, code="housing", changes={"active": False}, actor="admin",
                    user_id=None)  # fmt: skip

    def post(topic: str, category: str, text: str) -> int:
        return f.annotated_post(session, source_id=source, municipality_id=place, text=text,
                                topic=topic, category=category, confidence=0.99)  # fmt: skip

    retired = post("roads_potholes", "roads", "Яма на Ленина 5")
    current = post("amenities_lighting", "amenities", "Не горит фонарь на Мира 3")
    in_retired_category = post("housing_pipe_burst", "housing", "Прорвало трубу на Мира 7")
    session.commit()
    triage_posts(session, post_ids=[retired, current, in_retired_category],
                 thresholds=Thresholds())  # fmt: skip
    retired_by_worker = post("roads_potholes", "roads", "Яма на Советской 8")
    current_by_worker = post("amenities_lighting", "amenities", "Темно на Сибирской 2")
    session.commit()
    ids = [retired_by_worker, current_by_worker]
    done = triage_batch(engine, tools=TriageTools(Thresholds()), post_ids=ids,
                        isolate_failures=True)  # fmt: skip
    assert sorted(done.triaged) == sorted(ids)
    session.expire_all()
    posts = (retired, current, in_retired_category, *ids)
    statuses = {p: session.get_one(Post, p).review_status for p in posts}
    assert statuses == {
        retired: ReviewStatus.NEEDS_REVIEW, current: ReviewStatus.AUTO_ACCEPTED,
        in_retired_category: ReviewStatus.NEEDS_REVIEW,
        retired_by_worker: ReviewStatus.NEEDS_REVIEW,
        current_by_worker: ReviewStatus.AUTO_ACCEPTED,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("category", "reason"),
    [
        ({"active": "yes"}, "active must be true or false"),
        ({"topics": 5}, "topics must be a list"),
        ({"name": "Д" * 301}, "longer than 300 characters"),
    ],
)
def test_a_category_s_values_are_checked_before_the_database(
    session: Session, category: dict[str, Any], reason: str
) -> None:
    item = {"code": "roads", "name": "Дороги",
            "topics": [{"code": "roads_potholes", "name": "Ямы"}]} | category  # fmt: skip
    with pytest.raises(TaxonomyError, match=reason):
        import_taxonomy(session, {"format": FORMAT, "categories": [item]}, replace=False,
                        actor="admin", user_id=None)  # fmt: skip


def test_rename_deactivate_and_add_a_category(session: Session) -> None:
    _imported(session)
    update_category(session, code="roads", changes={"name": " Дороги и мосты ", "active": False},
                    expected={"name": "Дороги"}, actor="admin", user_id=None)  # fmt: skip
    session.commit()
    roads = session.get(Category, "roads")
    assert roads is not None and (roads.name, roads.active) == ("Дороги и мосты", False)
    event = session.exec(select(AuditEvent).order_by(col(AuditEvent.id).desc())).first()
    assert event is not None and (event.entity_type, event.action) == ("category", "update")
    assert event.before == {"code": "roads", "name": "Дороги", "active": True}
    for changes, expected, reason in [
        ({"name": ""}, None, "the name is empty"),
        ({"active": 1}, None, "active must be true or false"),
        ({"position": 3}, None, "position cannot be edited"),
        ({"name": "X"}, {"name": "Дороги"}, "changed by someone else"),
    ]:
        with pytest.raises(TaxonomyError, match=reason):
            update_category(session, code="roads", changes=changes, expected=expected,
                            actor="admin", user_id=None)  # fmt: skip
    added = add_category(session, values={"code": "noise", "name": "Шум"}, actor="admin",
                         user_id=None)  # fmt: skip
    session.commit()
    assert added.position == max(c.position for c in session.exec(select(Category)))
    with pytest.raises(TaxonomyError, match="already exists"):
        add_category(session, values={"code": "noise", "name": "Шум"}, actor="a", user_id=None)
    moved = update_topic(session, code="roads_potholes", changes={"category_code": "noise"},
                         actor="admin", user_id=None)  # fmt: skip
    assert moved.category_code == "noise"
