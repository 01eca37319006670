"""letters: subject, place, salutation, signature block, language, paper, order; frozen content

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 12:00:00

- ``letter_settings`` gains the letter's subject, place, salutation, the signature block
  (``sender`` stays the sender's name; ``organisation`` and a several-line ``contact`` join
  it), and the letter's language, paper and city order. Every new column is NULL for existing
  rows, which means "the default": the letters they describe stay as they were.
- ``letter_versions`` gains ``input_json`` and ``input_sha256``: the frozen content of the
  letter (bot.documents' LetterInput as JSON), so PDF and Word exports of a finalised version
  say what its Markdown says, forever. Versions finalised before keep their Markdown only.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SETTINGS = (
    ("subject", sa.String(length=200)),
    ("place", sa.String(length=100)),
    ("salutation", sa.String(length=200)),
    ("organisation", sa.String(length=200)),
    ("contact", sa.Text()),
    ("language", sa.String(length=5)),
    ("paper", sa.String(length=10)),
    ("sign_order", sa.String(length=20)),
)


def upgrade() -> None:
    with op.batch_alter_table("letter_settings", schema=None) as batch_op:
        for name, type_ in _SETTINGS:
            batch_op.add_column(sa.Column(name, type_, nullable=True))
    with op.batch_alter_table("letter_versions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("input_json", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("input_sha256", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("letter_versions", schema=None) as batch_op:
        batch_op.drop_column("input_sha256")
        batch_op.drop_column("input_json")
    with op.batch_alter_table("letter_settings", schema=None) as batch_op:
        for name, _ in reversed(_SETTINGS):
            batch_op.drop_column(name)
