"""requests: where representation requests are posted, and why one was turned down

Revision ID: 0008
Revises: 0009 (the head when written; the brief's numbering puts 0008 after it)
Create Date: 2026-12-02 19:00:00

- ``guild_settings.requests_channel_id``: the channel chosen in /setup where representation
  requests are posted with Verify and Turn down (none: the system channel).
- ``representatives.end_note``: the reason given when a request is turned down with the
  Turn down button (told to the requester and shown on the notice).

New nullable columns only: existing rows keep their data (no channel chosen, no reason).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("guild_settings") as batch:
        batch.add_column(sa.Column("requests_channel_id", sa.BigInteger(), nullable=True))
    with op.batch_alter_table("representatives") as batch:
        batch.add_column(sa.Column("end_note", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("representatives") as batch:
        batch.drop_column("end_note")
    with op.batch_alter_table("guild_settings") as batch:
        batch.drop_column("requests_channel_id")
