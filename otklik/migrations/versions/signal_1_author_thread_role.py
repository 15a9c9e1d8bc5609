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
down_revision: str | None = "places_1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ALTER TABLE ADD COLUMN, not a batch: on SQLite a batch recreates the post table,
    # which drops the triggers that keep its full-text index (post_fts) up to date.
    op.add_column(
        "post",
        sa.Column(
            "author_kind",
            sqlmodel.sql.sqltypes.AutoString(length=16),
            nullable=False,
            server_default="unknown",
        ),
    )
    op.add_column(
        "post",
        sa.Column(
            "thread_position",
            sqlmodel.sql.sqltypes.AutoString(length=16),
            nullable=False,
            server_default="post",
        ),
    )
    if op.get_bind().dialect.name == "sqlite":  # the reference inline: no ALTER of constraints
        op.execute("ALTER TABLE post ADD COLUMN answer_to_post_id INTEGER REFERENCES post (id)")
    else:
        op.add_column("post", sa.Column("answer_to_post_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            "fk_post_answer_to_post_id_post", "post", "post", ["answer_to_post_id"], ["id"]
        )
    op.create_index(op.f("ix_post_answer_to_post_id"), "post", ["answer_to_post_id"])
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
    op.drop_index(op.f("ix_post_answer_to_post_id"), table_name="post")
    if op.get_bind().dialect.name != "sqlite":  # SQLite drops the column with its reference
        op.drop_constraint("fk_post_answer_to_post_id_post", "post", type_="foreignkey")
    for column in ("answer_to_post_id", "thread_position", "author_kind"):
        op.drop_column("post", column)
