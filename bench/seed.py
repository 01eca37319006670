"""Fast, valid bulk data for benchmarks: cities with verified representatives in coalitions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.db.models import (
    Ask,
    AskEvent,
    AskVersion,
    City,
    Coalition,
    Coordinator,
    Membership,
    Representative,
    SignOn,
)
from bot.db.types import utcnow
from bot.db.uow import UnitOfWorkFactory
from bot.services.common import fold


@dataclass
class Seeded:
    coalition_id: int
    ask_id: int
    city_ids: list[int]
    coordinator_id: int


async def seed_coalition(
    uow: UnitOfWorkFactory,
    guild_id: int,
    rep_user_ids: list[int],
    *,
    coordinator_id: int,
    name: str = "Bench Coalition",
    signed: int = 0,
) -> Seeded:
    """One coalition whose member cities each have one verified representative (the users
    given, in order), one open ask, and the first ``signed`` cities signed on."""
    now = utcnow() - timedelta(days=1)
    async with uow() as u:
        s = u.session
        coalition = Coalition(
            guild_id=guild_id,
            name=name,
            name_key=fold(name),
            kind="peer_group",
            created_by=coordinator_id,
        )
        s.add(coalition)
        await s.flush()
        s.add(
            Coordinator(coalition_id=coalition.id, user_id=coordinator_id, added_by=coordinator_id)
        )
        cities = [
            City(
                guild_id=guild_id,
                name=f"{name} City {i:04d}",
                country="Testland",
                name_key=fold(f"{name} City {i:04d}"),
                country_key="testland",
                population=10_000 + i,
                created_by=coordinator_id,
            )
            for i in range(len(rep_user_ids))
        ]
        s.add_all(cities)
        await s.flush()
        s.add_all(
            Representative(
                guild_id=guild_id,
                city_id=c.id,
                user_id=uid,
                status="verified",
                title="Climate Officer",
                verified_at=now,
                verified_by=coordinator_id,
            )
            for c, uid in zip(cities, rep_user_ids, strict=True)
        )
        s.add_all(
            Membership(
                coalition_id=coalition.id,
                city_id=c.id,
                status="active",
                requested_by=coordinator_id,
                approved_by=coordinator_id,
                approved_at=now,
            )
            for c in cities
        )
        ask = Ask(guild_id=guild_id, coalition_id=coalition.id, created_by=coordinator_id)
        s.add(ask)
        await s.flush()
        s.add(
            AskVersion(
                ask_id=ask.id,
                version=1,
                title="Car-free centres by 2030",
                target="Ministry of Ecological Transition",
                body="We ask the Ministry to fund car-free city centres by 2030.",
                created_by=coordinator_id,
            )
        )
        s.add(AskEvent(ask_id=ask.id, kind="created", user_id=coordinator_id, version=1))
        s.add_all(
            SignOn(
                ask_id=ask.id,
                city_id=c.id,
                user_id=uid,
                signer_title="Climate Officer",
                signed_version=1,
                confirmed_version=1,
                confirmed_by=uid,
                signed_at=now,
                confirmed_at=now,
            )
            for c, uid in list(zip(cities, rep_user_ids, strict=True))[:signed]
        )
        return Seeded(coalition.id, ask.id, [c.id for c in cities], coordinator_id)
