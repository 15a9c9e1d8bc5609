"""posts record their author kind, thread position and public answer; sources their role

Revision ID: signal_1
Revises: c3571b0f69fb
Create Date: 2026-11-30 12:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "signal_1"
down_revision: str | None = "c3571b0f69fb"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("post", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "author_kind",
                sqlmodel.sql.sqltypes.AutoString(length=16),
                nullable=False,
                server_default="unknown",
            )
        )
        batch_op.add_column(
            sa.Column(
                "thread_position",
                sqlmodel.sql.sqltypes.AutoString(length=16),
                nullable=False,
                server_default="post",
            )
        )
        batch_op.add_column(sa.Column("answer_to_post_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_post_answer_to_post_id"), ["answer_to_post_id"], unique=False
        )
        batch_op.create_foreign_key(
            "fk_post_answer_to_post_id_post", "post", ["answer_to_post_id"], ["id"]
        )
    with op.batch_alter_table("source", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True)
        )
        batch_op.add_column(
            sa.Column("role_guessed", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("source", schema=None) as batch_op:
        batch_op.drop_column("role_guessed")
        batch_op.drop_column("role")
    with op.batch_alter_table("post", schema=None) as batch_op:
        batch_op.drop_constraint("fk_post_answer_to_post_id_post", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_post_answer_to_post_id"))
        batch_op.drop_column("answer_to_post_id")
        batch_op.drop_column("thread_position")
        batch_op.drop_column("author_kind")
