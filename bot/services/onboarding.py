"""Onboarding: who someone is in this server, what they can do next, the help topics, the
server setup chosen by its admins (/setup), and the once-only welcome message.

Nothing here imports discord: the help content is plain data that the cog renders.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, exists, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    Ask,
    AskVersion,
    City,
    Coalition,
    Coordinator,
    GuildSettings,
    Membership,
    Representative,
)
from bot.db.repositories.progress import signed_city_ids
from bot.db.types import utcnow
from bot.db.uow import UnitOfWork
from bot.errors import InvalidInput, PermissionDenied
from bot.services.common import Actor
from bot.services.permissions import is_verifier, may_create_coalitions

# Lists in /help are cut to this many items ("… and 3 more"), so the answer stays short.
SHOW_AT_MOST = 5

# ------------------------------------------------------------------------------- help topics


@dataclass(frozen=True, slots=True)
class HelpEntry:
    """One command in a topic: how to type it, and what it does (who may use it)."""

    usage: str  # "/city add name country [region] [population]"
    text: str


@dataclass(frozen=True, slots=True)
class HelpTopic:
    key: str  # the value of /help's topic option
    name: str  # the choice the user sees, e.g. "asks and sign-ons"
    title: str
    intro: str
    entries: tuple[HelpEntry, ...]

    def command_text(self) -> str:
        """Everything the topic says, as one string (for checks that every command appears)."""
        return "\n".join([self.intro, *(f"{e.usage} {e.text}" for e in self.entries)])


E = HelpEntry

TOPICS: tuple[HelpTopic, ...] = (
    HelpTopic(
        key="start",
        name="getting started",
        title="Getting started",
        intro=(
            "Coalition Bot helps cities act together on climate policy. Cities form "
            "coalitions, agree on policy asks, sign them, plan joint actions and send a shared "
            "letter. Options in [brackets] are optional. Pick from the suggestions as you type."
        ),
        entries=(
            E("/help [topic]", "What you can do here and your next step, or one topic in full."),
            E(
                "/setup",
                "Server admins: choose the announcement channel, who may create coalitions "
                "(admins and a role you pick, or everyone) and who verifies representatives.",
            ),
            E("/about", "The bot's version and status."),
            E(
                "/city represent city",
                "First step for a city official: ask to speak for your city. A coordinator "
                "then verifies you.",
            ),
            E("/coalition list", "See the coalitions of this server."),
            E("/coalition join coalition [city]", "Bring your city into a coalition."),
            E("/ask sign ask [city] [note]", "Sign a policy ask for your city."),
        ),
    ),
    HelpTopic(
        key="cities",
        name="cities",
        title="Cities and representatives",
        intro=(
            "Cities belong to the whole server. A representative speaks for a city once "
            "someone trusted has verified them: a coordinator of a coalition the city is in or "
            "asked to join, or, for a city in no coalition yet, a server admin or a member with "
            "the verifier role chosen in /setup. Nobody but an admin verifies themselves."
        ),
        entries=(
            E(
                "/city add name country [region] [population]",
                "Coordinators and admins: add a city.",
            ),
            E("/city list [country] [region]", "The cities of this server."),
            E("/city show city", "A city, its representatives and its coalitions."),
            E("/city represent city", "Ask to speak for a city; it waits for verification."),
            E(
                "/city verify city user [title]",
                "Coordinators of the city's coalitions, verifiers and admins: confirm a "
                "representative and their title.",
            ),
            E(
                "/city revoke city user",
                "The same people: end a representative or turn down a request.",
            ),
        ),
    ),
    HelpTopic(
        key="coalitions",
        name="coalitions",
        title="Coalitions",
        intro=(
            "A coalition is a group of cities working together. Whoever creates one becomes "
            "its coordinator. Who may create coalitions is a server choice: server admins, "
            "members with the role an admin picks in /setup, or everyone if an admin chooses "
            "that in /setup."
        ),
        entries=(
            E(
                "/coalition create name kind [description] [region] [channel]",
                "Admins and whoever /setup allows: start a coalition; you become its coordinator.",
            ),
            E("/coalition list", "Every coalition here."),
            E(
                "/coalition show coalition",
                "Coordinators, member cities, open asks and upcoming actions.",
            ),
            E("/coalition join coalition [city]", "Representatives: bring your city in."),
            E("/coalition leave coalition [city]", "Take a city out of a coalition."),
            E("/coalition approve coalition city", "Coordinators: accept a city's request."),
            E("/coalition reject coalition city", "Coordinators: turn down a city's request."),
            E("/coalition coordinators add coalition user", "Coordinators: add a coordinator."),
            E(
                "/coalition coordinators remove coalition user",
                "Coordinators: remove a coordinator (never the last one).",
            ),
            E(
                "/coalition settings channel coalition channel",
                "Coordinators: where announcements go.",
            ),
            E(
                "/coalition settings approval coalition required",
                "Coordinators: whether joining needs approval.",
            ),
            E(
                "/coalition settings reminders coalition offsets",
                "Coordinators: when action reminders go out, e.g. 7d,1d,2h.",
            ),
            E(
                "/coalition settings digest coalition weekday [time] [timezone]",
                "Coordinators: a weekly summary by direct message.",
            ),
            E("/coalition archive coalition", "Coordinators: make it read-only for good."),
        ),
    ),
    HelpTopic(
        key="asks",
        name="asks and sign-ons",
        title="Asks and sign-ons",
        intro=(
            "An ask is a policy request to a decision-maker. Each member city signs it through "
            "a verified representative."
        ),
        entries=(
            E("/ask create coalition [timezone]", "Coordinators: write a new ask in a form."),
            E("/ask list coalition [status]", "A coalition's asks and their progress."),
            E("/ask show ask", "The text, the deadline and who signed."),
            E("/ask sign ask [city] [note]", "Representatives: read, then confirm to sign."),
            E("/ask withdraw ask reason [city]", "Representatives: take your signature back."),
            E("/ask signatories ask", "Who signed, who withdrew, which cities are missing."),
            E("/ask edit ask", "Coordinators: change the text; signers are asked to confirm."),
            E("/ask close ask", "Coordinators: stop sign-ons."),
            E("/ask reopen ask", "Coordinators: open a closed ask again."),
            E("/ask history ask", "Everything that happened to an ask."),
        ),
    ),
    HelpTopic(
        key="actions",
        name="actions and reminders",
        title="Actions and reminders",
        intro=(
            "Actions are meetings, hearings, letter deliveries and other joint events. Member "
            "cities answer Going, Maybe or Not going, and reminders go out before each one."
        ),
        entries=(
            E(
                "/action schedule coalition title when kind [timezone] [ask] [location] "
                "[duration] [description]",
                "Coordinators: plan an action, e.g. when: next tuesday 3pm.",
            ),
            E("/action list coalition [when]", "Upcoming or past actions."),
            E("/action show action", "The time, details and each city's answer."),
            E(
                "/action rsvp action response [city] [note]",
                "Representatives: answer for your city.",
            ),
            E("/action reschedule action when [timezone]", "Coordinators: move an action."),
            E("/action cancel action reason", "Coordinators: cancel an action."),
            E("/action ics action", "Download the action for your calendar."),
            E(
                "/coalition settings reminders coalition offsets",
                "Coordinators: when reminders go out.",
            ),
        ),
    ),
    HelpTopic(
        key="letters",
        name="statements and letters",
        title="Statements and letters",
        intro=(
            "Each signing city can add a short position statement. The statements become one "
            "shared letter, exported as a file."
        ),
        entries=(
            E("/statement submit ask [city]", "Representatives: write or update your statement."),
            E("/statement show ask [city]", "Read a city's statement."),
            E("/statement withdraw ask [city]", "Representatives: take your statement out."),
            E(
                "/letter settings ask",
                "Coordinators: the letter's opening, closing and sender line.",
            ),
            E("/letter preview ask [order]", "Coordinators: the letter as it stands."),
            E("/letter finalise ask [order]", "Coordinators: freeze a numbered version."),
            E("/letter versions ask", "The finalised versions."),
            E("/letter export ask [order] [version]", "Download the letter as a file."),
        ),
    ),
    HelpTopic(
        key="webhooks",
        name="webhooks",
        title="Webhooks",
        intro=(
            "For technical staff: send a coalition's events (sign-ons, new asks, actions) to "
            "another system, signed so it can check they came from here."
        ),
        entries=(
            E("/webhook add coalition url events [secret]", "Coordinators: start sending."),
            E("/webhook list coalition", "Each webhook and its last delivery."),
            E("/webhook test coalition webhook", "Send a test event now."),
            E("/webhook remove coalition webhook", "Stop sending."),
            E("/webhook resume coalition webhook", "Start again after repeated failures."),
        ),
    ),
)

TOPIC_KEYS: tuple[str, ...] = tuple(t.key for t in TOPICS)


def topic(key: str) -> HelpTopic:
    for t in TOPICS:
        if t.key == key:
            return t
    names = ", ".join(t.name for t in TOPICS)
    raise InvalidInput(f"There is no help topic by that name. Pick one of: {names}.")


# ------------------------------------------------------------------------------- who you are


@dataclass(frozen=True, slots=True)
class AskGap:
    ask_id: int
    title: str
    total: int  # active member cities
    missing: list[str]  # names of member cities not counted as signed


@dataclass(frozen=True, slots=True)
class CoordinatedCoalition:
    id: int
    name: str
    has_channel: bool
    member_count: int
    pending_cities: list[str]  # cities asking to join
    open_asks: list[AskGap]


@dataclass(frozen=True, slots=True)
class RepresentedCity:
    id: int
    name: str
    title: str | None
    coalitions: list[str]  # active memberships
    pending_coalitions: list[str]  # join requests waiting for approval
    unsigned_asks: list[str]  # open asks of its coalitions it has not signed: "Title (Coalition)"


@dataclass(frozen=True, slots=True)
class Profile:
    """Who the actor is in this server, as far as Coalition Bot is concerned."""

    is_admin: bool
    coordinated: list[CoordinatedCoalition]
    verified: list[RepresentedCity]
    pending: list[str]  # cities whose verification the actor is waiting for
    city_count: int
    waiting_representatives: list[str]  # cities with pending requests (for city managers)
    announce_channel_id: int | None
    creator_role_id: int | None
    anyone_creates: bool
    verifier_role_id: int | None
    may_create_coalitions: bool
    setup_done: bool

    @property
    def is_newcomer(self) -> bool:
        return not (self.is_admin or self.coordinated or self.verified or self.pending)

    @property
    def roles(self) -> list[str]:
        """ "admin", "coordinator", "representative", "pending", "newcomer" as they apply."""
        found = []
        if self.is_admin:
            found.append("admin")
        if self.coordinated:
            found.append("coordinator")
        if self.verified:
            found.append("representative")
        if self.pending:
            found.append("pending")
        return found or ["newcomer"]


async def profile(uow: UnitOfWork, actor: Actor) -> Profile:
    """Everything /help needs, in a fixed number of queries whatever the server's size."""
    session = uow.session
    guild = actor.guild_id

    coordinated_rows = (
        await session.execute(
            select(Coalition)
            .join(Coordinator, Coordinator.coalition_id == Coalition.id)
            .where(
                Coalition.guild_id == guild,
                Coalition.archived_at.is_(None),
                Coordinator.user_id == actor.user_id,
                Coordinator.removed_at.is_(None),
            )
            .order_by(Coalition.name_key, Coalition.id)
        )
    ).scalars()
    coordinated = list(coordinated_rows)

    rep_rows = (
        await session.execute(
            select(Representative, City)
            .join(City, City.id == Representative.city_id)
            .where(
                Representative.guild_id == guild,
                City.guild_id == guild,
                Representative.user_id == actor.user_id,
                Representative.ended_at.is_(None),
            )
            .order_by(City.name_key, City.id)
        )
    ).all()
    verified = [(rep, city) for rep, city in rep_rows if rep.status == "verified"]
    pending = [city.name for rep, city in rep_rows if rep.status != "verified"]
    my_city_ids = [city.id for _, city in verified]
    coordinated_ids = [c.id for c in coordinated]

    # Current memberships of the coalitions I coordinate, and of the cities I represent.
    memberships = (
        await session.execute(
            select(Membership, City, Coalition)
            .join(City, City.id == Membership.city_id)
            .join(Coalition, Coalition.id == Membership.coalition_id)
            .where(
                Coalition.guild_id == guild,
                Coalition.archived_at.is_(None),
                Membership.ended_at.is_(None),
                (
                    Membership.coalition_id.in_(coordinated_ids)
                    | Membership.city_id.in_(my_city_ids)
                ),
            )
            .order_by(City.name_key, City.id)
        )
    ).all()
    active_by_coalition: dict[int, list[City]] = defaultdict(list)
    pending_by_coalition: dict[int, list[str]] = defaultdict(list)
    coalitions_of_city: dict[int, list[Coalition]] = defaultdict(list)
    pending_joins_of_city: dict[int, list[str]] = defaultdict(list)
    for membership, city, coalition in memberships:
        if membership.status == "active":
            active_by_coalition[coalition.id].append(city)
            if city.id in my_city_ids:
                coalitions_of_city[city.id].append(coalition)
        else:
            pending_by_coalition[coalition.id].append(city.name)
            if city.id in my_city_ids:
                pending_joins_of_city[city.id].append(coalition.name)

    relevant = set(coordinated_ids) | {c.id for cs in coalitions_of_city.values() for c in cs}
    asks: list[tuple[Ask, str, Coalition]] = []
    signed: dict[int, set[int]] = defaultdict(set)
    if relevant:
        asks = [
            (ask, title, coalition)
            for ask, title, coalition in (
                await session.execute(
                    select(Ask, AskVersion.title, Coalition)
                    .join(
                        AskVersion,
                        and_(
                            AskVersion.ask_id == Ask.id, AskVersion.version == Ask.current_version
                        ),
                    )
                    .join(Coalition, Coalition.id == Ask.coalition_id)
                    .where(Ask.coalition_id.in_(relevant), Ask.status == "open")
                    .order_by(Ask.created_at.desc(), Ask.id.desc())
                )
            ).all()
        ]
    if asks:
        for ask_id, city_ids in (
            await signed_city_ids(session, [a.id for a, _, _ in asks])
        ).items():
            signed[ask_id] |= city_ids

    coordinated_info = []
    for c in coordinated:
        members = active_by_coalition.get(c.id, [])
        gaps = [
            AskGap(
                ask_id=ask.id,
                title=title,
                total=len(members),
                missing=[m.name for m in members if m.id not in signed[ask.id]],
            )
            for ask, title, coalition in asks
            if coalition.id == c.id
        ]
        coordinated_info.append(
            CoordinatedCoalition(
                id=c.id,
                name=c.name,
                has_channel=c.channel_id is not None,
                member_count=len(members),
                pending_cities=pending_by_coalition.get(c.id, []),
                open_asks=gaps,
            )
        )

    verified_info = []
    for rep, city in verified:
        mine = coalitions_of_city.get(city.id, [])
        mine_ids = {c.id for c in mine}
        unsigned = [
            f'"{title}" ({coalition.name})'
            for ask, title, coalition in asks
            if coalition.id in mine_ids and city.id not in signed[ask.id]
        ]
        verified_info.append(
            RepresentedCity(
                id=city.id,
                name=city.name,
                title=rep.title,
                coalitions=[c.name for c in mine],
                pending_coalitions=pending_joins_of_city.get(city.id, []),
                unsigned_asks=unsigned,
            )
        )

    city_count = int(
        await session.scalar(select(func.count()).select_from(City).where(City.guild_id == guild))
        or 0
    )
    settings = await session.get(GuildSettings, guild)
    verifier = is_verifier(settings, actor)
    waiting: list[str] = []
    if actor.is_admin or coordinated or verifier:
        waiting = await _waiting_for(session, actor, coordinated_ids, verifier)

    role_id = settings.coalition_creator_role_id if settings else None
    return Profile(
        is_admin=actor.is_admin,
        coordinated=coordinated_info,
        verified=verified_info,
        pending=pending,
        city_count=city_count,
        waiting_representatives=waiting,
        announce_channel_id=settings.announce_channel_id if settings else None,
        creator_role_id=role_id,
        anyone_creates=bool(settings and settings.anyone_creates_coalitions),
        verifier_role_id=settings.verifier_role_id if settings else None,
        may_create_coalitions=may_create_coalitions(settings, actor),
        setup_done=settings is not None and settings.announce_channel_id is not None,
    )


async def _waiting_for(
    session: AsyncSession, actor: Actor, coordinated_ids: list[int], verifier: bool
) -> list[str]:
    """Cities with requests to represent them that the actor may answer (the rules of
    ``require_representative_manager``), their own requests left out."""
    in_coalition = (
        select(Membership.city_id)
        .join(Coalition, Coalition.id == Membership.coalition_id)
        .where(Membership.ended_at.is_(None), Coalition.archived_at.is_(None))
    )
    query = (
        select(City.name)
        .join(Representative, Representative.city_id == City.id)
        .where(
            Representative.guild_id == actor.guild_id,
            City.guild_id == actor.guild_id,
            Representative.status == "pending",
            Representative.ended_at.is_(None),
        )
    )
    if not actor.is_admin:
        mine = City.id.in_(in_coalition.where(Membership.coalition_id.in_(coordinated_ids)))
        query = query.where(
            Representative.user_id != actor.user_id,
            (mine | City.id.not_in(in_coalition)) if verifier else mine,
        )
    names = (await session.scalars(query.order_by(City.name_key, City.id))).all()
    return list(dict.fromkeys(names))


# ------------------------------------------------------------------------------- next steps


@dataclass(frozen=True, slots=True)
class Section:
    title: str
    lines: list[str] = field(default_factory=list)


def _names(items: list[str], limit: int = SHOW_AT_MOST) -> str:
    shown = ", ".join(items[:limit])
    rest = len(items) - limit
    return f"{shown} and {rest} more" if rest > 0 else shown


def _capped(lines: list[str], more: str, limit: int = SHOW_AT_MOST) -> list[str]:
    if len(lines) <= limit:
        return lines
    return [*lines[:limit], more.format(n=len(lines) - limit)]


def _cities(n: int) -> str:
    return "1 city" if n == 1 else f"{n} cities"


def next_steps(p: Profile) -> list[Section]:
    """The /help overview: one section per role the person has, each with next steps."""
    sections: list[Section] = []

    if p.is_admin:
        lines = []
        if not p.setup_done:
            lines.append(
                "Run `/setup` to choose the channel for announcements, who may create "
                "coalitions and who verifies representatives."
            )
        else:
            lines.append(
                "Setup is done. Run `/setup` again any time to change it, e.g. who may "
                "create coalitions."
            )
        if p.city_count == 0:
            lines.append("No city has been added yet. Add the first ones with `/city add`.")
        sections.append(Section("You are a server admin", lines))

    for c in p.coordinated[:SHOW_AT_MOST]:
        lines = []
        if c.pending_cities:
            lines.append(
                f"{_names(c.pending_cities)} asked to join. Answer with `/coalition approve` "
                "or `/coalition reject`."
            )
        if c.member_count == 0:
            lines.append(
                "No city has joined yet. Ask city representatives to run `/coalition join`."
            )
        if not c.has_channel:
            lines.append(
                "There is no announcement channel. Choose one with `/coalition settings channel`."
            )
        if not c.open_asks:
            lines.append("There is no open ask. Write one with `/ask create`.")
        gap_lines = []
        for gap in c.open_asks:
            if gap.total and not gap.missing:
                gap_lines.append(
                    f'Every member city signed "{gap.title}". Check the letter with '
                    "`/letter preview`."
                )
            elif gap.missing:
                gap_lines.append(
                    f'{_cities(len(gap.missing))} have not signed "{gap.title}": '
                    f"{_names(gap.missing)}."
                    if len(gap.missing) > 1
                    else f'1 city has not signed "{gap.title}": {gap.missing[0]}.'
                )
        lines += _capped(gap_lines, "{n} more open asks: see `/ask list`.", 3)
        if not lines:
            lines.append("All is in order. Plan a joint action with `/action schedule`.")
        sections.append(Section(f"You coordinate {c.name}", lines))
    if len(p.coordinated) > SHOW_AT_MOST:
        rest = len(p.coordinated) - SHOW_AT_MOST
        sections.append(
            Section(
                "More coalitions you coordinate",
                [f"{rest} more. See each one with `/coalition show`."],
            )
        )

    if p.waiting_representatives:
        sections.append(
            Section(
                "People waiting to be verified",
                [
                    f"Requests to represent {_names(p.waiting_representatives)}. "
                    "Check who they are, then run `/city verify` (or `/city revoke` to turn "
                    "one down)."
                ],
            )
        )

    for city in p.verified[:SHOW_AT_MOST]:
        lines = []
        if not city.coalitions and not city.pending_coalitions:
            lines.append(
                f"{city.name} is not in a coalition yet. See them with `/coalition list`, "
                "then run `/coalition join`."
            )
        if city.pending_coalitions:
            lines.append(
                f"{city.name}'s request to join {_names(city.pending_coalitions)} is waiting "
                "for a coordinator's approval."
            )
        unsigned = [
            f"{city.name} has not signed {a} yet. Read it with `/ask show`, then sign with "
            "`/ask sign`."
            for a in city.unsigned_asks
        ]
        lines += _capped(unsigned, "{n} more asks to sign: see `/ask list`.", 3)
        if city.coalitions and not city.unsigned_asks:
            lines.append(
                f"{city.name} has signed every open ask. Add its position statement for the "
                "letter with `/statement submit`, and answer actions with `/action rsvp`."
            )
        who = f" ({city.title})" if city.title else ""
        sections.append(Section(f"You represent {city.name}{who}", lines))
    if len(p.verified) > SHOW_AT_MOST:
        sections.append(
            Section(
                "More cities you represent",
                [f"{len(p.verified) - SHOW_AT_MOST} more. See each one with `/city show`."],
            )
        )

    if p.pending:
        sections.append(
            Section(
                "Waiting for verification",
                [
                    f"Your request to represent {_names(p.pending)} is waiting for a coordinator "
                    "to verify you. Ask a coordinator of a coalition your city is in (listed in "
                    "`/coalition show`) to run `/city verify`; for a city in no coalition yet, "
                    "ask a server admin."
                ],
            )
        )

    if p.is_newcomer:
        lines = []
        if p.city_count:
            lines.append(
                "You represent no city yet: run `/city represent` and pick your city. A "
                "coordinator then verifies you."
            )
        else:
            lines.append(
                "No city has been added here yet. Ask a coordinator or a server admin to add "
                "yours with `/city add`, then run `/city represent`."
            )
        if p.may_create_coalitions:
            lines.append("Want to start a group of cities? Run `/coalition create`.")
        else:
            lines.append(
                "Want to start a group of cities? In this server only "
                + (
                    "server admins and members with a chosen role"
                    if p.creator_role_id
                    else "server admins"
                )
                + " can create coalitions; a server admin can change that with `/setup`."
            )
        sections.append(Section("Welcome! You are new here", lines))

    return sections


@dataclass(frozen=True, slots=True)
class Overview:
    profile: Profile
    sections: list[Section]


async def overview(uow: UnitOfWork, actor: Actor) -> Overview:
    p = await profile(uow, actor)
    return Overview(profile=p, sections=next_steps(p))


# ------------------------------------------------------------------------------- /setup

# What the bot needs in the announcement channel: (attribute of Discord's permissions, label).
REQUIRED_CHANNEL_PERMISSIONS: tuple[tuple[str, str], ...] = (
    ("view_channel", "View Channel"),
    ("send_messages", "Send Messages"),
    ("embed_links", "Embed Links"),
    ("attach_files", "Attach Files"),
)

ADMINS_ONLY = (
    "Only server admins (people with the Manage Server permission) can change the setup. "
    "Ask one of them to run /setup."
)


@dataclass(frozen=True, slots=True)
class SetupInfo:
    announce_channel_id: int | None
    # Who may create coalitions: server admins always; members with ``creator_role_id``;
    # everyone when ``anyone_creates`` (an explicit choice, off by default).
    creator_role_id: int | None
    anyone_creates: bool = False
    # Members with this role verify representatives of cities in no active coalition (as
    # admins do). None: admins only.
    verifier_role_id: int | None = None


def missing_permissions(granted: dict[str, bool]) -> list[str]:
    """Labels of the required permissions not granted, in a fixed order."""
    return [label for name, label in REQUIRED_CHANNEL_PERMISSIONS if not granted.get(name)]


def _require_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise PermissionDenied(ADMINS_ONLY)


async def _settings_row(uow: UnitOfWork, guild_id: int) -> GuildSettings:
    row = await uow.session.get(GuildSettings, guild_id)
    if row is None:
        row = GuildSettings(guild_id=guild_id)
        uow.session.add(row)
    return row


def _info(row: GuildSettings | None) -> SetupInfo:
    if row is None:
        return SetupInfo(None, None)
    return SetupInfo(
        row.announce_channel_id,
        row.coalition_creator_role_id,
        anyone_creates=bool(row.anyone_creates_coalitions),
        verifier_role_id=row.verifier_role_id,
    )


async def get_setup(uow: UnitOfWork, actor: Actor) -> SetupInfo:
    _require_admin(actor)
    return _info(await uow.session.get(GuildSettings, actor.guild_id))


async def set_announce_channel(uow: UnitOfWork, actor: Actor, channel_id: int) -> SetupInfo:
    """New coalitions created without a channel announce in this one."""
    _require_admin(actor)
    row = await _settings_row(uow, actor.guild_id)
    row.announce_channel_id = channel_id
    await uow.session.flush()
    return _info(row)


async def set_creator_role(uow: UnitOfWork, actor: Actor, role_id: int | None) -> SetupInfo:
    """Members with this role (and admins) may create coalitions; None: admins only.

    Choosing a role ends the "everyone" choice: a role is a restriction. The @everyone role
    (whose id is the server's) means everyone.
    """
    _require_admin(actor)
    row = await _settings_row(uow, actor.guild_id)
    everyone = role_id == actor.guild_id
    row.coalition_creator_role_id = None if everyone else role_id
    row.anyone_creates_coalitions = everyone
    await uow.session.flush()
    return _info(row)


async def set_anyone_creates(uow: UnitOfWork, actor: Actor, anyone: bool) -> SetupInfo:
    """Everyone may create coalitions (``True``), or only admins and the creator role."""
    _require_admin(actor)
    row = await _settings_row(uow, actor.guild_id)
    row.anyone_creates_coalitions = anyone
    await uow.session.flush()
    return _info(row)


async def set_verifier_role(uow: UnitOfWork, actor: Actor, role_id: int | None) -> SetupInfo:
    """Members with this role verify representatives of cities in no active coalition (as
    admins do); None: admins only."""
    _require_admin(actor)
    if role_id == actor.guild_id:
        raise InvalidInput(
            "@everyone cannot be the verifier role: anyone could then speak for any new city. "
            "Pick a role only trusted members have, or press Only admins verify."
        )
    row = await _settings_row(uow, actor.guild_id)
    row.verifier_role_id = role_id
    await uow.session.flush()
    return _info(row)


# ------------------------------------------------------------------------------- welcome


async def claim_welcome(uow: UnitOfWork, guild_id: int, now: datetime | None = None) -> bool:
    """True for exactly one caller per server: the one that should post the welcome message.

    A conditional update, so two processes (or a re-join) never both post.
    """
    now = now or utcnow()
    session = uow.session
    present = await session.scalar(select(exists().where(GuildSettings.guild_id == guild_id)))
    if not present:
        try:
            async with session.begin_nested():
                session.add(GuildSettings(guild_id=guild_id, welcomed_at=now))
                await session.flush()
            return True
        except IntegrityError:
            pass  # another process inserted the row first; the update below decides
    result = await session.execute(
        update(GuildSettings)
        .where(GuildSettings.guild_id == guild_id, GuildSettings.welcomed_at.is_(None))
        .values(welcomed_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def release_welcome(uow: UnitOfWork, guild_id: int) -> None:
    """The welcome could not be posted after all: let a later join try again."""
    await uow.session.execute(
        update(GuildSettings)
        .where(GuildSettings.guild_id == guild_id)
        .values(welcomed_at=None)
        .execution_options(synchronize_session=False)
    )


WELCOME_MESSAGE = (
    "Hello! I am Coalition Bot. I help cities act together on climate policy: form "
    "coalitions, agree on policy asks, collect signatures, plan joint actions and send a "
    "shared letter.\n\n"
    "**Server admins:** run `/setup` to choose where I post announcements, who may "
    "create coalitions (until you choose, only server admins can) and who verifies city "
    "representatives.\n"
    "**Everyone:** run `/help` to see what you can do and your next step."
)
