"""city profiles: coordinates, time zone and gazetteer id; profile history; coalition invites

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 14:00:00

- ``cities`` gains ``latitude``, ``longitude``, ``timezone``, ``geonames_id``, ``country_code``
  and ``region_code``, all NULL for existing rows: a city added before keeps what it had
  (name, country, region, population) and can be completed with /city edit.
- ``city_edits``: one row per field a /city edit corrected (who, when, from, to).
- ``coalition_invites``: one row per Invite sent from /coalition suggest (at most one per city
  and coalition a week).
New columns and tables only: no existing data changes.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db.types

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CITY_COLUMNS = (
    ("latitude", sa.Float()),
    ("longitude", sa.Float()),
    ("timezone", sa.String(length=64)),
    ("geonames_id", sa.Integer()),
    ("country_code", sa.String(length=2)),
    ("region_code", sa.String(length=20)),
)


def upgrade() -> None:
    with op.batch_alter_table("cities", schema=None) as batch_op:
        for name, type_ in _CITY_COLUMNS:
            batch_op.add_column(sa.Column(name, type_, nullable=True))
    op.create_table(
        "city_edits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("city_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=20), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.Column("edited_by", sa.BigInteger(), nullable=False),
        sa.Column("edited_at", bot.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["city_id"], ["cities.id"], name=op.f("fk_city_edits_city_id_cities")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_city_edits")),
    )
    with op.batch_alter_table("city_edits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_city_edits_city_id"), ["city_id"], unique=False)
    op.create_table(
        "coalition_invites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("coalition_id", sa.Integer(), nullable=False),
        sa.Column("city_id", sa.Integer(), nullable=False),
        sa.Column("invited_by", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("sent_at", bot.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["city_id"], ["cities.id"], name=op.f("fk_coalition_invites_city_id_cities")
        ),
        sa.ForeignKeyConstraint(
            ["coalition_id"],
            ["coalitions.id"],
            name=op.f("fk_coalition_invites_coalition_id_coalitions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coalition_invites")),
    )
    with op.batch_alter_table("coalition_invites", schema=None) as batch_op:
        batch_op.create_index(
            "ix_coalition_invites_pair", ["coalition_id", "city_id", "sent_at"], unique=False
        )


def downgrade() -> None:
    op.drop_table("coalition_invites")
    op.drop_table("city_edits")
    with op.batch_alter_table("cities", schema=None) as batch_op:
        for name, _ in reversed(_CITY_COLUMNS):
            batch_op.drop_column(name)
