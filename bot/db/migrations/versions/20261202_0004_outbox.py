"""outbox: every message the bot posts, edits or DMs outside an interaction's answer

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 08:00:00

- ``outbox_messages``: one row per channel post, edit of a live post, or DM, written in the
  same transaction as the change it reports and sent by the outbox worker (claimed under a
  lease, retried with backoff, in order per channel or recipient). A new table: no existing
  data changes.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db.types

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "outbox_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=True),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("target", sa.String(length=40), nullable=False),
        sa.Column("channel_id", sa.BigInteger(), nullable=True),
        sa.Column("user_id", sa.BigInteger(), nullable=True),
        sa.Column("key", sa.String(length=100), nullable=True),
        sa.Column("template", sa.String(length=40), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", bot.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("lease_until", bot.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("claimed_by", sa.String(length=40), nullable=True),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", bot.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", bot.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_messages")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_outbox_messages_dedupe_key")),
    )
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.create_index(
            "ix_outbox_messages_status_next", ["status", "next_attempt_at"], unique=False
        )
        batch_op.create_index("ix_outbox_messages_target_id", ["target", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_outbox_messages_guild_id"), ["guild_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_outbox_messages_key"), ["key"], unique=False)


def downgrade() -> None:
    op.drop_table("outbox_messages")
