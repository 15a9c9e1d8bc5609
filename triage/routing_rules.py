"""Editing the routing table (an admin's job); every edit is an audit event."""

from sqlmodel import Session

from models.agency import RoutingRule
from triage.audit import record_event, snapshot
from triage.errors import TriageError
from triage.locking import load

RULE_FIELDS = ("topic_code", "category_code", "municipality_id", "agency_id")


def add_routing_rule(
    session: Session,
    *,
    agency_id: int,
    topic_code: str | None,
    category_code: str | None,
    municipality_id: int | None,
    actor: str,
    user_id: int | None,
) -> RoutingRule:
    """A rule sending a topic (or a whole category) in a municipality (or everywhere)."""
    if topic_code is None and category_code is None:
        raise TriageError("a routing rule needs a topic or a category")
    rule = RoutingRule(
        topic_code=topic_code,
        category_code=category_code,
        municipality_id=municipality_id,
        agency_id=agency_id,
    )
    session.add(rule)
    session.flush()
    record_event(
        session,
        actor=actor,
        user_id=user_id,
        entity_type="routing_rule",
        entity_id=rule.id or 0,
        action="create",
        before=None,
        after=snapshot(rule, RULE_FIELDS),
    )
    return rule


def remove_routing_rule(session: Session, *, rule_id: int, actor: str, user_id: int | None) -> None:
    rule = load(session, RoutingRule, rule_id)
    record_event(
        session,
        actor=actor,
        user_id=user_id,
        entity_type="routing_rule",
        entity_id=rule_id,
        action="delete",
        before=snapshot(rule, RULE_FIELDS),
        after=None,
    )
    session.delete(rule)
    session.flush()
