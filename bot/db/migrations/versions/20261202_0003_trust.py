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
- Repair: before this revision leaving a coalition left the city's sign-ons live, so they
  would have counted again on rejoining. Every live sign-on whose city is not an active member
  of the ask's coalition ends now as "left" (at the time the membership ended), with a "left"
  event in the ask's history, exactly as leaving does from now on.
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from bot.db.types import UTCDateTime

_LEFT_DETAIL = "left the coalition before this was recorded; this signature no longer counts"

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
    _end_sign_ons_of_cities_that_left()


def _end_sign_ons_of_cities_that_left() -> None:
    bind = op.get_bind()
    sign_ons = sa.table(
        "sign_ons",
        sa.column("id", sa.Integer),
        sa.column("ask_id", sa.Integer),
        sa.column("city_id", sa.Integer),
        sa.column("user_id", sa.BigInteger),
        sa.column("withdrawn_at", UTCDateTime()),
        sa.column("withdrawn_by", sa.BigInteger),
        sa.column("withdraw_reason", sa.Text),
        sa.column("end_kind", sa.String),
    )
    asks = sa.table(
        "asks",
        sa.column("id", sa.Integer),
        sa.column("coalition_id", sa.Integer),
        sa.column("current_version", sa.Integer),
    )
    memberships = sa.table(
        "memberships",
        sa.column("coalition_id", sa.Integer),
        sa.column("city_id", sa.Integer),
        sa.column("status", sa.String),
        sa.column("ended_at", UTCDateTime()),
        sa.column("ended_by", sa.BigInteger),
    )
    events = sa.table(
        "ask_events",
        sa.column("ask_id", sa.Integer),
        sa.column("kind", sa.String),
        sa.column("user_id", sa.BigInteger),
        sa.column("city_id", sa.Integer),
        sa.column("version", sa.Integer),
        sa.column("detail", sa.Text),
        sa.column("created_at", UTCDateTime()),
    )
    active = sa.exists().where(
        memberships.c.coalition_id == asks.c.coalition_id,
        memberships.c.city_id == sign_ons.c.city_id,
        memberships.c.status == "active",
        memberships.c.ended_at.is_(None),
    )
    orphans = bind.execute(
        sa.select(
            sign_ons.c.id,
            sign_ons.c.ask_id,
            sign_ons.c.city_id,
            sign_ons.c.user_id,
            asks.c.coalition_id,
            asks.c.current_version,
        )
        .join(asks, asks.c.id == sign_ons.c.ask_id)
        .where(sign_ons.c.withdrawn_at.is_(None), ~active)
    ).all()
    fallback = datetime.now(UTC)
    for row in orphans:
        ended = bind.execute(
            sa.select(memberships.c.ended_at, memberships.c.ended_by)
            .where(
                memberships.c.coalition_id == row.coalition_id,
                memberships.c.city_id == row.city_id,
                memberships.c.ended_at.is_not(None),
            )
            .order_by(memberships.c.ended_at.desc())
            .limit(1)
        ).first()
        when = ended.ended_at if ended is not None else fallback
        by = ended.ended_by if ended is not None and ended.ended_by else row.user_id
        bind.execute(
            sa.update(sign_ons)
            .where(sign_ons.c.id == row.id)
            .values(
                withdrawn_at=when, withdrawn_by=by, withdraw_reason=_LEFT_DETAIL, end_kind="left"
            )
        )
        bind.execute(
            sa.insert(events).values(
                ask_id=row.ask_id,
                kind="left",
                user_id=by,
                city_id=row.city_id,
                version=row.current_version,
                detail=_LEFT_DETAIL,
                created_at=when,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("sign_ons", schema=None) as batch_op:
        batch_op.drop_column("end_kind")
    with op.batch_alter_table("guild_settings", schema=None) as batch_op:
        batch_op.drop_column("anyone_creates_coalitions")
        batch_op.drop_column("verifier_role_id")
