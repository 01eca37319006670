"""The /help overview: one section per role the person has, each with their next steps."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.db.uow import UnitOfWork
from bot.services.common import Actor
from bot.services.onboarding.profile import Profile, profile

# Lists in /help are cut to this many items ("… and 3 more"), so the answer stays short.
SHOW_AT_MOST = 5


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
