"""index crawl runs by start time (the console's run history and its 24 h / 7 day summary)

Revision ID: c3571b0f69fb
Revises: 6e68b752257d
Create Date: 2026-11-24 01:29:58.187026
"""

from collections.abc import Sequence

from alembic import op

revision: str = "c3571b0f69fb"
down_revision: str | None = "6e68b752257d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("crawlrun", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_crawlrun_started_at"), ["started_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("crawlrun", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_crawlrun_started_at"))
