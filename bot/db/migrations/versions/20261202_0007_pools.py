"""pools: pooled procurement, a coalition's demand pools and the cities' pledges

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 16:00:00

- ``pools``: a demand pool of a coalition (item, unit, optional description and deadline),
  open or closed, with who closed it (NULL: closed automatically at its deadline).
- ``pool_pledges``: each city's pledges; a change or a withdrawal ends the live row (never
  overwritten), and a partial unique index keeps one live pledge per pool and city.

New tables only: no existing data changes. The pool reminders (``pool_deadline``,
``pool_close``) are rows of the existing ``reminders`` table (its ``kind`` is a plain string).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db.types

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pools",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("coalition_id", sa.Integer(), nullable=False),
        sa.Column("item", sa.String(length=200), nullable=False),
        sa.Column("unit", sa.String(length=50), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("deadline", bot.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=False),
        sa.Column("created_at", bot.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", bot.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["coalition_id"], ["coalitions.id"], name=op.f("fk_pools_coalition_id_coalitions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pools")),
    )
    with op.batch_alter_table("pools", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pools_coalition_id"), ["coalition_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pools_guild_id"), ["guild_id"], unique=False)

    op.create_table(
        "pool_pledges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pool_id", sa.Integer(), nullable=False),
        sa.Column("city_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("pledger_title", sa.String(length=100), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("pledged_at", bot.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", bot.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("ended_by", sa.BigInteger(), nullable=True),
        sa.Column("end_kind", sa.String(length=20), nullable=True),
        sa.Column("end_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["city_id"], ["cities.id"], name=op.f("fk_pool_pledges_city_id_cities")
        ),
        sa.ForeignKeyConstraint(
            ["pool_id"], ["pools.id"], name=op.f("fk_pool_pledges_pool_id_pools")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pool_pledges")),
    )
    with op.batch_alter_table("pool_pledges", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pool_pledges_city_id"), ["city_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pool_pledges_pool_id"), ["pool_id"], unique=False)
        batch_op.create_index(
            "uq_pool_pledges_current",
            ["pool_id", "city_id"],
            unique=True,
            sqlite_where=sa.text("ended_at IS NULL"),
            postgresql_where=sa.text("ended_at IS NULL"),
        )


def downgrade() -> None:
    op.drop_table("pool_pledges")
    op.drop_table("pools")
