"""Which agency answers for a topic in a municipality: the editable routing table first.

Order: the most specific `RoutingRule` (topic beats category, a municipality beats the
whole region); then an agency of the topic's `agency_type` in the municipality, then one
for the whole region; then the municipality's administration.
"""

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import and_, case, or_, select
from sqlmodel import Session

from models.agency import Agency, RoutingRule
from models.geo import Municipality
from models.taxonomy import Category, Topic

MUNICIPAL_ADMINISTRATION = "municipal_administration"


@dataclass(frozen=True)
class Suggestion:
    agency_id: int
    agency_name: str
    why: str


def suggest_agency(
    session: Session,
    *,
    topic_code: str | None,
    category_code: str | None,
    municipality_id: int | None,
) -> Suggestion | None:
    rule = _rule(session, topic_code, category_code, municipality_id)
    if rule is not None:
        return rule
    topic = session.get(Topic, topic_code) if topic_code else None
    agency_type = topic.agency_type if topic else MUNICIPAL_ADMINISTRATION
    for kind, place, why in (
        (agency_type, municipality_id, "agency type in the municipality"),
        (agency_type, None, "agency type for the region"),
        (MUNICIPAL_ADMINISTRATION, municipality_id, "municipal administration"),
    ):
        agency = _by_type(session, kind, place)
        if agency is not None and (place is not None or kind != MUNICIPAL_ADMINISTRATION):
            return Suggestion(agency.id or 0, agency.name, why)
    return None


def _rule(
    session: Session, topic_code: str | None, category_code: str | None, municipality_id: int | None
) -> Suggestion | None:
    topic_match = and_(RoutingRule.topic_code.is_not(None), RoutingRule.topic_code == topic_code)  # type: ignore[union-attr]
    category_match = and_(
        RoutingRule.topic_code.is_(None),  # type: ignore[union-attr]
        RoutingRule.category_code == category_code,
    )
    specificity = case((RoutingRule.topic_code.is_not(None), 2), else_=0) + case(  # type: ignore[union-attr]
        (RoutingRule.municipality_id.is_not(None), 1),
        else_=0,  # type: ignore[union-attr]
    )
    row = session.execute(
        select(Agency.id, Agency.name)
        .join(RoutingRule, RoutingRule.agency_id == Agency.id)
        .where(Agency.active.is_(True))  # type: ignore[attr-defined]
        .where(or_(topic_match, category_match))
        .where(
            or_(
                RoutingRule.municipality_id.is_(None),
                RoutingRule.municipality_id == municipality_id,
            )
        )  # type: ignore[union-attr]
        .order_by(specificity.desc(), RoutingRule.id)
        .limit(1)
    ).first()
    return Suggestion(row[0], row[1], "routing rule") if row else None


def _by_type(session: Session, agency_type: str, municipality_id: int | None) -> Agency | None:
    statement = select(Agency).where(Agency.agency_type == agency_type, Agency.active.is_(True))  # type: ignore[attr-defined]
    if municipality_id is None:
        statement = statement.where(Agency.municipality_id.is_(None))  # type: ignore[union-attr]
    else:
        statement = statement.where(Agency.municipality_id == municipality_id)
    return session.execute(statement.order_by(Agency.id).limit(1)).scalar_one_or_none()


@dataclass
class AgencyLoad:
    agencies: int = 0
    rules: int = 0
    skipped: list[str] | None = None


def load_agencies(session: Session, *, path: Path) -> AgencyLoad:
    """Load `data/agencies.json` (idempotent by name). Rules naming an unknown topic,
    category, municipality or agency are skipped and listed. The caller commits."""
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    municipalities = {m.name: m.id for m in session.execute(select(Municipality)).scalars()}
    result = AgencyLoad(skipped=[])
    template = document.get("municipal_administration_name")
    entries = list(document.get("agencies", []))
    if template:
        entries += [
            {
                "name": template.format(municipality=name),
                "agency_type": MUNICIPAL_ADMINISTRATION,
                "municipality": name,
            }
            for name in municipalities
        ]
    agencies = {a.name: a for a in session.execute(select(Agency)).scalars()}
    for entry in entries:
        if entry["name"] in agencies:
            continue
        place = entry.get("municipality")
        if place is not None and place not in municipalities:
            result.skipped.append(f"agency {entry['name']}: unknown municipality {place}")  # type: ignore[union-attr]
            continue
        agency = Agency(
            name=entry["name"],
            agency_type=entry["agency_type"],
            municipality_id=municipalities.get(place) if place else None,
            contact=entry.get("contact"),
        )
        session.add(agency)
        agencies[agency.name] = agency
        result.agencies += 1
    session.flush()
    for rule in document.get("rules", []):
        problem = _rule_problem(session, rule, municipalities, agencies)
        if problem:
            result.skipped.append(problem)  # type: ignore[union-attr]
            continue
        if _add_rule(session, rule, municipalities, agencies):
            result.rules += 1
    return result


def _rule_problem(
    session: Session,
    rule: dict[str, Any],
    municipalities: dict[str, int | None],
    agencies: dict[str, Agency],
) -> str | None:
    if rule.get("topic_code") and session.get(Topic, rule["topic_code"]) is None:
        return f"rule: unknown topic {rule['topic_code']}"
    if rule.get("category_code") and session.get(Category, rule["category_code"]) is None:
        return f"rule: unknown category {rule['category_code']}"
    if rule.get("municipality") and rule["municipality"] not in municipalities:
        return f"rule: unknown municipality {rule['municipality']}"
    if rule["agency"] not in agencies:
        return f"rule: unknown agency {rule['agency']}"
    return None


def _add_rule(
    session: Session,
    rule: dict[str, Any],
    municipalities: dict[str, int | None],
    agencies: dict[str, Agency],
) -> bool:
    values = {
        "topic_code": rule.get("topic_code"),
        "category_code": rule.get("category_code"),
        "municipality_id": municipalities.get(rule["municipality"])
        if rule.get("municipality")
        else None,
        "agency_id": agencies[rule["agency"]].id,
    }
    exists = session.execute(
        select(RoutingRule.id).where(
            *[
                getattr(RoutingRule, k).is_(None) if v is None else getattr(RoutingRule, k) == v
                for k, v in values.items()
            ]
        )
    ).first()
    if exists:
        return False
    session.add(RoutingRule(**values))
    return True
