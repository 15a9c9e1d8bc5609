"""Editing the rubricator (an admin's job): topics' names, SLA, urgency, agency type, activity.

Codes never change and nothing is deleted: annotations, reports and routing rules name topics
by code, so a topic or category that is no longer used is deactivated (`active = False`):
kept for history, no longer offered to moderators. Every change is an audit event
(`entity_type` "topic" or "category"; the rubricator's keys are codes, so `entity_id` is 0
and the code is in `before`/`after`).

A deployment replaces the whole rubricator with `import_taxonomy` from a file in the
project's format (`data/taxonomy.json`, "otklik-taxonomy/1"); `export_taxonomy` writes it.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_
from sqlmodel import Session, col, select

from models.taxonomy import Category, Topic
from triage.audit import record_event, snapshot
from triage.errors import TriageError

FORMAT = "otklik-taxonomy/1"
TOPIC_FIELDS = ("code", "category_code", "name", "sla_hours", "urgent", "agency_type", "active")
CATEGORY_FIELDS = ("code", "name", "active")
EDITABLE_TOPIC_FIELDS = ("name", "sla_hours", "urgent", "agency_type", "active", "category_code")
EDITABLE_CATEGORY_FIELDS = ("name", "active")
MAX_SLA_HOURS = 2_000  # a year of working hours: more is a typo
_CODE = re.compile(r"^[a-z0-9][a-z0-9_.\-]{0,63}$")
_AGENCY_TYPE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


class TaxonomyError(TriageError):
    """The rubricator edit or file is invalid; `problems` lists every reason (nothing applied)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class TaxonomyImport:
    added: list[str] = field(default_factory=list)  # codes
    updated: list[str] = field(default_factory=list)
    deactivated: list[str] = field(default_factory=list)
    unchanged: int = 0


def validate_topic_values(values: Mapping[str, Any], *, where: str) -> list[str]:
    """Problems with a topic's editable values (those present), each prefixed by `where`."""
    problems = _name_and_flags(values, where=where, longest=500)
    if "sla_hours" in values:
        hours = values["sla_hours"]
        if isinstance(hours, bool) or not isinstance(hours, int):
            problems.append(f"{where}: sla_hours must be a whole number of hours, not {hours!r}")
        elif not 1 <= hours <= MAX_SLA_HOURS:
            problems.append(
                f"{where}: sla_hours must be between 1 and {MAX_SLA_HOURS}, not {hours}"
            )
    if "agency_type" in values:
        agency_type = values["agency_type"]
        if not isinstance(agency_type, str) or not _AGENCY_TYPE.match(agency_type):
            problems.append(
                f"{where}: agency_type must be a lowercase identifier such as road_agency, "
                f"not {agency_type!r}"
            )
    return problems


def update_topic(
    session: Session,
    *,
    code: str,
    changes: Mapping[str, Any],
    expected: Mapping[str, Any] | None = None,
    actor: str,
    user_id: int | None,
) -> Topic:
    """Change a topic's editable fields; `expected` are the values the editor saw (a stale
    edit, one someone else changed meanwhile, is refused). The caller commits."""
    topic = session.get(Topic, code, with_for_update=True)  # two saves at once: one waits
    if topic is None:
        raise TaxonomyError([f"topic {code} does not exist"])
    problems = validate_topic_values(changes, where=f"topic {code}")
    if "category_code" in changes and session.get(Category, changes["category_code"]) is None:
        problems.append(f"topic {code}: category {changes['category_code']} does not exist")
    _update(session, topic, "topic", changes, expected, problems, actor=actor, user_id=user_id)
    return topic


def update_category(
    session: Session,
    *,
    code: str,
    changes: Mapping[str, Any],
    expected: Mapping[str, Any] | None = None,
    actor: str,
    user_id: int | None,
) -> Category:
    """Rename a category or (de)activate it, as `update_topic` does for topics."""
    category = session.get(Category, code, with_for_update=True)
    if category is None:
        raise TaxonomyError([f"category {code} does not exist"])
    problems = validate_category_values(changes, where=f"category {code}")
    _update(session, category, "category", changes, expected, problems, actor=actor,
            user_id=user_id)  # fmt: skip
    return category


def validate_category_values(values: Mapping[str, Any], *, where: str) -> list[str]:
    """Problems with a category's editable values (those present), each prefixed by `where`."""
    return _name_and_flags(values, where=where, longest=300)


def _name_and_flags(values: Mapping[str, Any], *, where: str, longest: int) -> list[str]:
    """A name that is not blank and fits its column; `urgent` and `active` true or false."""
    problems = []
    if "name" in values:
        name = values["name"]
        if not isinstance(name, str) or not name.strip():
            problems.append(f"{where}: the name is empty")
        elif len(name.strip()) > longest:
            problems.append(f"{where}: the name is longer than {longest} characters")
    for flag in ("urgent", "active"):
        if flag in values and not isinstance(values[flag], bool):
            problems.append(f"{where}: {flag} must be true or false, not {values[flag]!r}")
    return problems


def add_category(
    session: Session, *, values: Mapping[str, Any], actor: str, user_id: int | None
) -> Category:
    """A new category (`code`, `name`), placed last. The caller commits."""
    code = str(values.get("code", ""))
    problems = [] if _CODE.match(code) else [_bad_code("category", code)]
    if session.get(Category, code) is not None:
        problems.append(f"category {code} already exists")
    name = values.get("name", "")
    problems += validate_category_values({"name": name}, where=f"category {code}")
    if problems:
        raise TaxonomyError(problems)
    position = max((c.position for c in session.exec(select(Category))), default=-1) + 1
    category = Category(code=code, name=str(name).strip(), position=position)
    session.add(category)
    _audit(session, "category", "create", None, snapshot(category, CATEGORY_FIELDS), actor=actor,
           user_id=user_id)  # fmt: skip
    return category


def _update(
    session: Session,
    record: Category | Topic,
    kind: str,
    changes: Mapping[str, Any],
    expected: Mapping[str, Any] | None,
    problems: list[str],
    *,
    actor: str,
    user_id: int | None,
) -> None:
    """Apply checked `changes` to a locked record, refusing unknown fields and stale edits."""
    code = record.code
    editable, fields = (
        (EDITABLE_TOPIC_FIELDS, TOPIC_FIELDS) if kind == "topic"
        else (EDITABLE_CATEGORY_FIELDS, CATEGORY_FIELDS)
    )  # fmt: skip
    problems = [f"{kind} {code}: {name} cannot be edited"
                for name in sorted(set(changes) - set(editable))] + problems  # fmt: skip
    for name, seen in (expected or {}).items():
        if getattr(record, name) != seen:
            problems.append(
                f"{kind} {code}: {name} was changed by someone else (you saw {seen!r}, it is "
                f"now {getattr(record, name)!r}); reload and try again"
            )
    if problems:
        raise TaxonomyError(problems)
    before = snapshot(record, fields)
    for name, value in changes.items():
        setattr(record, name, value.strip() if isinstance(value, str) else value)
    after = snapshot(record, fields)
    if after != before:
        session.add(record)
        _audit(session, kind, "update", before, after, actor=actor, user_id=user_id)


def add_topic(
    session: Session, *, values: Mapping[str, Any], actor: str, user_id: int | None
) -> Topic:
    """A new topic (`code`, `category_code`, `name`, `sla_hours`, optional `urgent`,
    `agency_type`), placed last in its category. The caller commits."""
    code = str(values.get("code", ""))
    problems = [] if _CODE.match(code) else [_bad_code("topic", code)]
    if session.get(Topic, code) is not None:
        problems.append(f"topic {code} already exists")
    category = session.get(Category, str(values.get("category_code", "")))
    if category is None:
        problems.append(f"topic {code}: category {values.get('category_code')} does not exist")
    fields = {"sla_hours": 40, "urgent": False, "agency_type": "municipal_administration",
              "active": True, "name": "",
              **{k: v for k, v in values.items() if k in EDITABLE_TOPIC_FIELDS}}  # fmt: skip
    problems += validate_topic_values(fields, where=f"topic {code}")
    if problems:
        raise TaxonomyError(problems)
    siblings = session.exec(select(Topic).where(Topic.category_code == fields["category_code"]))
    position = max((t.position for t in siblings), default=-1) + 1
    topic = Topic(code=code, position=position, **fields)
    topic.name = topic.name.strip()
    session.add(topic)
    _audit(session, "topic", "create", None, snapshot(topic, TOPIC_FIELDS), actor=actor,
           user_id=user_id)  # fmt: skip
    return topic


def retired_topics(session: Session) -> frozenset[str]:
    """Topics no longer offered: deactivated, or in a deactivated category."""
    rows = session.exec(
        select(Topic.code)
        .join(Category, col(Category.code) == col(Topic.category_code))
        .where(or_(col(Topic.active).is_(False), col(Category.active).is_(False)))
    )
    return frozenset(rows)


def export_taxonomy(session: Session) -> dict[str, Any]:
    """The rubricator in the project's file format, inactive items included (marked)."""
    topics: dict[str, list[Topic]] = {}
    for topic in session.exec(select(Topic).order_by(Topic.position, Topic.code)):
        topics.setdefault(topic.category_code, []).append(topic)
    categories = session.exec(select(Category).order_by(Category.position, Category.code))
    return {
        "format": FORMAT,
        "categories": [
            {"code": c.code, "name": c.name, **({} if c.active else {"active": False}),
             "topics": [_topic_item(t) for t in topics.get(c.code, [])]}
            for c in categories
        ],
    }  # fmt: skip


def import_taxonomy(
    session: Session,
    document: Mapping[str, Any],
    *,
    replace: bool,
    actor: str,
    user_id: int | None,
) -> TaxonomyImport:
    """Add and update categories and topics from a file; with `replace`, deactivate those the
    file leaves out. Validates the whole file first: any problem and nothing is applied.
    New items take the file's order; existing ones keep their place. The caller commits."""
    categories, topics = _parse(document)
    result = TaxonomyImport()
    for position, item in enumerate(categories):
        _upsert(session, Category, item | {"position": position}, CATEGORY_FIELDS, result,
                actor=actor, user_id=user_id)  # fmt: skip
    session.flush()
    for item in topics:
        _upsert(session, Topic, item, TOPIC_FIELDS, result, actor=actor, user_id=user_id)
    if replace:
        listed = {item["code"] for item in categories} | {item["code"] for item in topics}
        for model, fields in ((Topic, TOPIC_FIELDS), (Category, CATEGORY_FIELDS)):
            for record in session.exec(select(model)):
                if record.code not in listed and record.active:
                    _upsert(session, model, {"code": record.code, "active": False}, fields,
                            result, actor=actor, user_id=user_id, deactivating=True)  # fmt: skip
    return result


def _parse(document: Mapping[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(categories, topics) of a file, each a dict of Category/Topic fields; or every problem."""
    problems: list[str] = []
    if not isinstance(document, Mapping) or document.get("format") != FORMAT:
        raise TaxonomyError([f'not a rubricator file: expected "format": "{FORMAT}"'])
    raw_categories = document.get("categories")
    if not isinstance(raw_categories, list) or not raw_categories:
        raise TaxonomyError(["the file has no categories"])
    categories: list[dict[str, Any]] = []
    topics: list[dict[str, Any]] = []
    seen: set[str] = set()
    for number, item in enumerate(raw_categories, start=1):
        where = f"category #{number}"
        if not isinstance(item, Mapping):
            problems.append(f"{where}: not an object")
            continue
        code = str(item.get("code", ""))
        problems += _code_problems("category", code, seen, where)
        name = item.get("name")
        values = {"name": name, "active": item.get("active", True)}
        problems += validate_category_values(values, where=f"{where} ({code})")
        categories.append({"code": code, **values, "name": str(name or "").strip()})
        listed = item.get("topics", [])
        if not isinstance(listed, list):
            problems.append(f"{where} ({code}): topics must be a list")
            continue
        for position, topic in enumerate(listed):
            topic_where = f"{where} ({code}) topic #{position + 1}"
            if not isinstance(topic, Mapping):
                problems.append(f"{topic_where}: not an object")
                continue
            topic_code = str(topic.get("code", ""))
            problems += _code_problems("topic", topic_code, seen, topic_where)
            values = {
                "code": topic_code, "category_code": code, "position": position,
                "name": topic.get("name"), "sla_hours": topic.get("sla_hours", 40),
                "urgent": topic.get("urgent", False), "active": topic.get("active", True),
                "agency_type": topic.get("agency_type", "municipal_administration"),
            }  # fmt: skip
            problems += validate_topic_values(values, where=f"{topic_where} ({topic_code})")
            topics.append(values | {"name": str(values["name"] or "").strip()})
    if not topics:
        problems.append("the file has no topics")
    if problems:
        raise TaxonomyError(problems)
    return categories, topics


def _code_problems(kind: str, code: str, seen: set[str], where: str) -> list[str]:
    if not _CODE.match(code):
        return [f"{where}: {_bad_code(kind, code)}"]
    if code in seen:
        return [f"{where}: the code {code} is used twice"]
    seen.add(code)
    return []


def _bad_code(kind: str, code: str) -> str:
    return (
        f"{kind} code {code!r} must be 1-64 lowercase letters, digits, '_', '.' or '-', "
        "starting with a letter or digit"
    )


def _upsert(
    session: Session,
    model: type[Category] | type[Topic],
    values: dict[str, Any],
    fields: tuple[str, ...],
    result: TaxonomyImport,
    *,
    actor: str,
    user_id: int | None,
    deactivating: bool = False,
) -> None:
    kind = "topic" if model is Topic else "category"
    record = session.get(model, values["code"])
    if record is None:
        record = model(**values)
        session.add(record)
        _audit(session, kind, "create", None, snapshot(record, fields), actor=actor,
               user_id=user_id)  # fmt: skip
        result.added.append(values["code"])
        return
    before = snapshot(record, fields)
    for name, value in values.items():
        if name != "position":  # a file's order places new items; the console's order stays
            setattr(record, name, value)
    after = snapshot(record, fields)
    if after == before:
        result.unchanged += 1
        return
    session.add(record)
    _audit(session, kind, "deactivate" if deactivating else "update", before, after,
           actor=actor, user_id=user_id)  # fmt: skip
    (result.deactivated if deactivating else result.updated).append(values["code"])


def _topic_item(topic: Topic) -> dict[str, Any]:
    item: dict[str, Any] = {"code": topic.code, "name": topic.name, "sla_hours": topic.sla_hours}
    if topic.urgent:
        item["urgent"] = True
    item["agency_type"] = topic.agency_type
    if not topic.active:
        item["active"] = False
    return item


def _audit(
    session: Session,
    kind: str,
    action: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    *,
    actor: str,
    user_id: int | None,
) -> None:
    record_event(session, actor=actor, user_id=user_id, entity_type=kind, entity_id=0,
                 action=action, before=before, after=after)  # fmt: skip


def offered_topics(session: Session) -> list[tuple[Topic, Category]]:
    """Active topics of active categories with their category, in the rubricator's order."""
    rows = session.exec(
        select(Topic, Category)
        .join(Category, col(Category.code) == col(Topic.category_code))
        .where(col(Topic.active).is_(True), col(Category.active).is_(True))
        .order_by(col(Category.position), col(Category.code), col(Topic.position), col(Topic.code))
    )
    return [(topic, category) for topic, category in rows]


def topic_names(session: Session) -> dict[str, str]:
    """Every topic's name by code, retired ones included (old reports still carry them)."""
    return {topic.code: topic.name for topic in session.exec(select(Topic))}
