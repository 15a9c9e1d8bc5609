"""places: annotation address keys, post network keys and sightings, street lists

Revision ID: places_1
Revises: c3571b0f69fb
Create Date: 2026-11-30 12:20:46.189378
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import models.types

revision: str = "places_1"
down_revision: str | None = "console_core_1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "street",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.ForeignKeyConstraint(["municipality_id"], ["municipality.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("municipality_id", "key", name="uq_street_municipality_key"),
    )
    with op.batch_alter_table("street", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_street_key"), ["key"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_street_municipality_id"), ["municipality_id"], unique=False
        )
    op.create_table(
        "postsighting",
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("external_id", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("seen_at", models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["post_id"], ["post.id"]),
        sa.ForeignKeyConstraint(["source_id"], ["source.id"]),
        sa.PrimaryKeyConstraint("post_id", "source_id"),
    )
    with op.batch_alter_table("postsighting", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_postsighting_source_id"), ["source_id"], unique=False)
    with op.batch_alter_table("annotation", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("address_key", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True)
        )
    # A plain ADD COLUMN and a unique index: a batch rebuild of `post` on SQLite would drop
    # the full-text triggers of 0002.
    op.add_column(
        "post",
        sa.Column("network_key", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    )
    op.create_index("uq_post_network_key", "post", ["network_key"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_post_network_key", table_name="post")
    op.drop_column("post", "network_key")
    with op.batch_alter_table("annotation", schema=None) as batch_op:
        batch_op.drop_column("address_key")
    with op.batch_alter_table("postsighting", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_postsighting_source_id"))
    op.drop_table("postsighting")
    with op.batch_alter_table("street", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_street_municipality_id"))
        batch_op.drop_index(batch_op.f("ix_street_key"))
    op.drop_table("street")
