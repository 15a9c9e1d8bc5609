"""publications remember that a send may have gone out (`maybe_sent`)

Revision ID: loop_s19
Revises: signal_1
Create Date: 2026-11-30 16:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "loop_s19"
down_revision: str | None = "signal_1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("publication", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("maybe_sent", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    # Open publications tried before: the old code checked the network before the next try,
    # the new one needs the flag for it.
    op.execute(
        "UPDATE publication SET maybe_sent = TRUE WHERE attempts > 0 AND status IN "
        "('pending', 'retrying', 'captcha', 'flood_control')"
    )


def downgrade() -> None:
    with op.batch_alter_table("publication", schema=None) as batch_op:
        batch_op.drop_column("maybe_sent")
