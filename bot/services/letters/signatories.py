"""Who is in the letter: the cities counted as signed, with their current statements.

Counted as signed is exactly what bot.services.lookups counts: a current sign-on
confirmed for the ask's current version, by a current active member city.

Who signs for a city: the name and title of its current statement; without a statement, the
name the signer gave in their latest statement for that city (any ask) and the title they
were verified under. A city with neither name is listed by title and city, never by a
placeholder (bot.documents.Signatory).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, ScalarSelect, and_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute, aliased

from bot.db.models import Ask, City, Membership, SignOn, Statement
from bot.documents.letter import Signatory, StatementText
from bot.services.lookups import active_membership_clause, confirmed_current


def _counted(ask: Ask) -> ColumnElement[bool]:
    """SignOn conditions for "counted as signed" on ``ask`` (with the active-member join)."""
    return and_(SignOn.ask_id == ask.id, confirmed_current(ask.current_version))


def _statement(body: str | None, name: str, title: str | None) -> StatementText | None:
    """The city's current statement; ``body`` is None (outer join) when it has none."""
    return StatementText(body, name, title) if body is not None else None


def signer_name(
    user_id: ColumnElement[int] | QueryableAttribute[int],
    city_id: ColumnElement[int] | QueryableAttribute[int],
) -> ScalarSelect[str]:
    """The name ``user_id`` last printed for ``city_id`` (their latest statement not withdrawn,
    on any ask): a correlated subquery. The bot stores Discord ids, not names; a name someone
    typed into a statement form for the letter is the only name of theirs the letter may use.
    """
    known = aliased(Statement)
    return (
        select(known.signatory_name)
        .where(
            known.user_id == user_id,
            known.city_id == city_id,
            known.withdrawn_at.is_(None),
        )
        .order_by(known.created_at.desc(), known.id.desc())
        .limit(1)
        .scalar_subquery()
    )


async def counted_city_ids(
    session: AsyncSession, ask: Ask, *, city_ids: Iterable[int] | None = None
) -> set[int]:
    """Ids of the cities counted as signed on ``ask`` (optionally among ``city_ids``)."""
    query = (
        select(SignOn.city_id)
        .join(Membership, active_membership_clause(ask.coalition_id, SignOn.city_id))
        .where(_counted(ask))
    )
    if city_ids is not None:
        query = query.where(SignOn.city_id.in_(list(city_ids)))
    return set((await session.scalars(query)).all())


async def letter_signatories(session: AsyncSession, ask: Ask) -> list[Signatory]:
    """Every counted city with its current statement: one query.

    The current statement is found per city by a correlated ``ORDER BY version DESC LIMIT 1``
    on the unique (ask_id, city_id, version) index: a few index reads per city whatever the
    planner knows. (A GROUP BY subquery or an anti-join here went quadratic on PostgreSQL
    before its statistics caught up with freshly inserted rows.)
    """
    latest = aliased(Statement)
    current_id = (
        select(latest.id)
        .where(
            latest.ask_id == SignOn.ask_id,
            latest.city_id == SignOn.city_id,
            latest.withdrawn_at.is_(None),
        )
        .order_by(latest.version.desc())
        .limit(1)
        .correlate(SignOn)
        .scalar_subquery()
    )
    rows = await session.execute(
        select(
            City.id,
            City.name,
            City.country,
            City.population,
            SignOn.signed_at,
            SignOn.signer_title,
            signer_name(SignOn.user_id, SignOn.city_id).label("signer_name"),
            Statement.body,
            Statement.signatory_name,
            Statement.signatory_title,
            SignOn.basis_kind,
            SignOn.basis_reference,
            SignOn.basis_date,
        )
        .select_from(SignOn)
        .join(City, City.id == SignOn.city_id)
        .join(Membership, active_membership_clause(ask.coalition_id, SignOn.city_id))
        .outerjoin(Statement, Statement.id == current_id)
        .where(_counted(ask))
    )
    return [
        Signatory(
            city_id=city_id,
            city=name,
            country=country,
            population=population,
            signed_at=signed_at,
            signer_title=signer_title,
            signer_name=known_name,
            statement=_statement(body, signatory_name, signatory_title),
            basis_kind=basis_kind,
            basis_reference=basis_reference,
            basis_date=basis_date,
        )
        for (
            city_id,
            name,
            country,
            population,
            signed_at,
            signer_title,
            known_name,
            body,
            signatory_name,
            signatory_title,
            basis_kind,
            basis_reference,
            basis_date,
        ) in rows
    ]
