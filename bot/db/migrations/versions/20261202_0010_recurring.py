"""recurring: recurring actions, and the coalition's and the server's time zones

Revision ID: 0010
Revises: 0007
Create Date: 2026-12-02 20:00:00

- ``action_series``: a recurring action's rule (weekly, every 2 weeks, monthly on the same
  weekday or date), its zone, first start, number of occurrences and calendar UID/SEQUENCE.
- ``actions.series_id`` / ``actions.recurrence_at``: an occurrence's series and the start its
  rule gave it. Existing actions are one-off: both stay NULL.
- ``coalitions.timezone`` / ``guild_settings.timezone``: zones times default to (NULL: none
  chosen yet, as before).
- ``asks.deadline_timezone``: the zone a deadline was typed in (NULL for older asks: their
  edit form falls back to UTC, as before).

New table and nullable columns only: existing rows keep their meaning.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db.types

revision: str = "0010"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "action_series",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("coalition_id", sa.Integer(), nullable=False),
        sa.Column("repeat", sa.String(length=30), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("first_starts_at", bot.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("until_at", bot.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("uid", sa.String(length=100), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=False),
        sa.Column("created_at", bot.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["coalition_id"],
            ["coalitions.id"],
            name=op.f("fk_action_series_coalition_id_coalitions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_series")),
        sa.UniqueConstraint("uid", name=op.f("uq_action_series_uid")),
    )
    op.create_index(op.f("ix_action_series_guild_id"), "action_series", ["guild_id"])
    op.create_index(op.f("ix_action_series_coalition_id"), "action_series", ["coalition_id"])
    with op.batch_alter_table("actions") as batch:
        batch.add_column(sa.Column("series_id", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("recurrence_at", bot.db.types.UTCDateTime(timezone=True), nullable=True)
        )
        batch.create_index(batch.f("ix_actions_series_id"), ["series_id"])
        batch.create_foreign_key(
            batch.f("fk_actions_series_id_action_series"), "action_series", ["series_id"], ["id"]
        )
    with op.batch_alter_table("coalitions") as batch:
        batch.add_column(sa.Column("timezone", sa.String(length=64), nullable=True))
    with op.batch_alter_table("guild_settings") as batch:
        batch.add_column(sa.Column("timezone", sa.String(length=64), nullable=True))
    with op.batch_alter_table("asks") as batch:
        batch.add_column(sa.Column("deadline_timezone", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("asks") as batch:
        batch.drop_column("deadline_timezone")
    with op.batch_alter_table("guild_settings") as batch:
        batch.drop_column("timezone")
    with op.batch_alter_table("coalitions") as batch:
        batch.drop_column("timezone")
    with op.batch_alter_table("actions") as batch:
        batch.drop_constraint(batch.f("fk_actions_series_id_action_series"), type_="foreignkey")
        batch.drop_index(batch.f("ix_actions_series_id"))
        batch.drop_column("recurrence_at")
        batch.drop_column("series_id")
    op.drop_index(op.f("ix_action_series_coalition_id"), table_name="action_series")
    op.drop_index(op.f("ix_action_series_guild_id"), table_name="action_series")
    op.drop_table("action_series")
