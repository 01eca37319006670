"""trust: verifier role, who creates coalitions, sign-ons ended by leaving

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 04:30:00

- ``guild_settings.verifier_role_id``: a server role whose members verify representatives
  of cities in no active coalition (besides admins).
- ``guild_settings.anyone_creates_coalitions``: the explicit "everyone" choice of /setup. Until
  now a NULL creator role meant "everyone"; from now on NULL means "admins and the
  coordinators role only", so existing servers are closed by default (the hole was that any
  member could become a coordinator and verify themselves).
- ``sign_ons.end_kind``: how a sign-on ended: "withdrawn" (by its city) or "left" (the city
  left the coalition). Existing ended rows were all withdrawals.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("guild_settings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("verifier_role_id", sa.BigInteger(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "anyone_creates_coalitions",
                sa.Boolean(),
                nullable=False,
                server_default=sa.false(),
            )
        )
    with op.batch_alter_table("sign_ons", schema=None) as batch_op:
        batch_op.add_column(sa.Column("end_kind", sa.String(length=20), nullable=True))
    op.execute("UPDATE sign_ons SET end_kind = 'withdrawn' WHERE withdrawn_at IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table("sign_ons", schema=None) as batch_op:
        batch_op.drop_column("end_kind")
    with op.batch_alter_table("guild_settings", schema=None) as batch_op:
        batch_op.drop_column("anyone_creates_coalitions")
        batch_op.drop_column("verifier_role_id")
