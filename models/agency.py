"""Responsible bodies and the routing table that picks one for a report."""

from sqlmodel import Field, SQLModel


class Agency(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=300, unique=True)
    agency_type: str = Field(max_length=64, index=True)
    municipality_id: int | None = Field(default=None, foreign_key="municipality.id")
    contact: str | None = Field(default=None, max_length=300)
    active: bool = True
    # Notifications (otklik/notify): e-mail and a signed webhook, each optional.
    email: str | None = Field(default=None, max_length=300)
    webhook_url: str | None = Field(default=None, max_length=500)
    webhook_secret: str | None = Field(default=None, max_length=200)  # else the global one


class RoutingRule(SQLModel, table=True):
    """Who answers for a topic (or category) in a municipality; the most specific rule wins.

    Empty fields match anything: a rule with only `topic_code` serves the whole region.
    """

    id: int | None = Field(default=None, primary_key=True)
    topic_code: str | None = Field(default=None, foreign_key="topic.code", max_length=64)
    category_code: str | None = Field(default=None, foreign_key="category.code", max_length=64)
    municipality_id: int | None = Field(default=None, foreign_key="municipality.id")
    agency_id: int = Field(foreign_key="agency.id")
