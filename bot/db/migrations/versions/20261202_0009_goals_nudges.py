"""goals_nudges: personal settings (/me), ask goals and their crossings, nudges

Revision ID: 0009
Revises: 0010 (brief: 0008; chained to the head present when written, see the report)
Create Date: 2026-12-02 18:00:00

- ``person_settings``: one row per person and server once they change a setting in /me
  (reminder and nudge DMs on or off, time zone, language). No row: the defaults.
- ``ask_goals``: an ask's goal (cities, regions, countries, population; each optional).
- ``goal_crossings``: numbered crossings of a goal, unique per ask and number, so each
  crossing is announced once across restarts and processes.
- ``ask_nudges``: each nudge sent for an ask.
- ``coalition_nudges``: the automatic nudge, days before each ask's deadline (0: off).

New tables only: no existing data changes. The automatic nudge's reminder rows
(``ask_nudge``) live in the existing ``reminders`` table.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db.types

revision: str = "0009"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_WHEN = bot.db.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "person_settings",
        sa.Column("guild_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("reminders", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("nudges", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=True),
        sa.Column("language", sa.String(length=16), nullable=True),
        sa.Column("updated_at", _WHEN, nullable=False),
        sa.PrimaryKeyConstraint("guild_id", "user_id", name=op.f("pk_person_settings")),
    )
    op.create_table(
        "ask_goals",
        sa.Column("ask_id", sa.Integer(), nullable=False),
        sa.Column("cities", sa.Integer(), nullable=True),
        sa.Column("regions", sa.Integer(), nullable=True),
        sa.Column("countries", sa.Integer(), nullable=True),
        sa.Column("population", sa.BigInteger(), nullable=True),
        sa.Column("set_by", sa.BigInteger(), nullable=False),
        sa.Column("set_at", _WHEN, nullable=False),
        sa.ForeignKeyConstraint(["ask_id"], ["asks.id"], name=op.f("fk_ask_goals_ask_id_asks")),
        sa.PrimaryKeyConstraint("ask_id", name=op.f("pk_ask_goals")),
    )
    op.create_table(
        "goal_crossings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ask_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["ask_id"], ["asks.id"], name=op.f("fk_goal_crossings_ask_id_asks")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goal_crossings")),
        sa.UniqueConstraint("ask_id", "number", name=op.f("uq_goal_crossings_ask_id_number")),
    )
    with op.batch_alter_table("goal_crossings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_goal_crossings_ask_id"), ["ask_id"], unique=False)
    op.create_table(
        "ask_nudges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("ask_id", sa.Integer(), nullable=False),
        sa.Column("sent_by", sa.BigInteger(), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.Column("sent_at", _WHEN, nullable=False),
        sa.ForeignKeyConstraint(["ask_id"], ["asks.id"], name=op.f("fk_ask_nudges_ask_id_asks")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ask_nudges")),
    )
    with op.batch_alter_table("ask_nudges", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ask_nudges_ask_id"), ["ask_id"], unique=False)
    op.create_table(
        "coalition_nudges",
        sa.Column("coalition_id", sa.Integer(), nullable=False),
        sa.Column("days_before", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", _WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["coalition_id"],
            ["coalitions.id"],
            name=op.f("fk_coalition_nudges_coalition_id_coalitions"),
        ),
        sa.PrimaryKeyConstraint("coalition_id", name=op.f("pk_coalition_nudges")),
    )


def downgrade() -> None:
    op.drop_table("coalition_nudges")
    with op.batch_alter_table("ask_nudges", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ask_nudges_ask_id"))
    op.drop_table("ask_nudges")
    with op.batch_alter_table("goal_crossings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_goal_crossings_ask_id"))
    op.drop_table("goal_crossings")
    op.drop_table("ask_goals")
    op.drop_table("person_settings")
