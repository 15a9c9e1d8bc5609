"""the safety category gains «Пожары и чрезвычайные происшествия» (fires were «Беженцы»)

Revision ID: fire_1
Revises: loop_s19
Create Date: 2026-12-05 08:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "fire_1"
down_revision: str | None = "loop_s19"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As in data/taxonomy.json; a database seeded from it already has the topic.
TOPIC = {
    "code": "safety_fires_emergencies",
    "category_code": "safety",
    "name": "Пожары и чрезвычайные происшествия",
    "sla_hours": 24,
    "urgent": True,
    "agency_type": "emergency_service",
    "position": 2,
    "active": True,
}


def upgrade() -> None:
    # Only where the default rubricator's safety category exists and the topic does not
    # (an empty database is seeded from data/taxonomy.json later; a replaced rubricator
    # without «safety» is left as its admins made it).
    connection = op.get_bind()
    has_category = connection.execute(
        sa.text("SELECT count(*) FROM category WHERE code = :code"),
        {"code": TOPIC["category_code"]},
    ).scalar_one()
    has_topic = connection.execute(
        sa.text("SELECT count(*) FROM topic WHERE code = :code"), {"code": TOPIC["code"]}
    ).scalar_one()
    if has_category and not has_topic:
        connection.execute(
            sa.text(
                "INSERT INTO topic (code, category_code, name, sla_hours, urgent, agency_type, "
                "position, active) VALUES (:code, :category_code, :name, :sla_hours, :urgent, "
                ":agency_type, :position, :active)"
            ),
            TOPIC,
        )


def downgrade() -> None:
    # Topics are never deleted (posts, reports and routing rules refer to them by code).
    pass
