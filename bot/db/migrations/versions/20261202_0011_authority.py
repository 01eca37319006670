"""authority: proof of authority on sign-ons

Revision ID: 0011
Revises: 0008 (the head when written)
Create Date: 2026-12-02 12:00:00

- ``sign_ons.basis_kind`` / ``basis_reference`` / ``basis_date`` / ``basis_url``: the council
  resolution or mayoral decision a representative signed under (all NULL when none was given).
- ``coalitions.authority_required``: a sign-on in this coalition must give its basis.
- ``letter_settings.print_authority``: print each city's basis in the letter's signatories table.

New nullable columns and booleans defaulting to false: existing rows keep their data (no
basis, nothing required, nothing printed).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sign_ons") as batch:
        batch.add_column(sa.Column("basis_kind", sa.String(length=30), nullable=True))
        batch.add_column(sa.Column("basis_reference", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("basis_date", sa.Date(), nullable=True))
        batch.add_column(sa.Column("basis_url", sa.String(length=500), nullable=True))
    with op.batch_alter_table("coalitions") as batch:
        batch.add_column(
            sa.Column("authority_required", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    with op.batch_alter_table("letter_settings") as batch:
        batch.add_column(
            sa.Column("print_authority", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("letter_settings") as batch:
        batch.drop_column("print_authority")
    with op.batch_alter_table("coalitions") as batch:
        batch.drop_column("authority_required")
    with op.batch_alter_table("sign_ons") as batch:
        batch.drop_column("basis_url")
        batch.drop_column("basis_date")
        batch.drop_column("basis_reference")
        batch.drop_column("basis_kind")
