"""Guilds: building them (users, guilds, GUILD_CREATE on join) and their REST routes."""

from __future__ import annotations

import asyncio

from aiohttp import web

from .errors import ApiError
from .http_plumbing import json_response, snowflake
from .models import DEFAULT_BOT_PERMISSIONS, Guild, Member, Role, User
from .state import EmulatorState


class GuildRoutes(EmulatorState):
    """World building for tests, and the guild routes the bot reads."""

    def add_user(self, name: str, *, dms_open: bool = True, locale: str = "en-US") -> User:
        user = User(self.next_id(), name, dms_open=dms_open, locale=locale)
        self.users[user.id] = user
        return user

    def add_guild(
        self,
        name: str,
        owner: User | None = None,
        *,
        bot_permissions: int = DEFAULT_BOT_PERMISSIONS,
    ) -> Guild:
        """A guild with @everyone and the bot as a member (with a managed role).

        Added after the bot connected, it is dispatched as GUILD_CREATE (the bot joined).
        """
        guild = Guild(self, self.next_id(), name, owner)
        bot_role = Role(
            self.next_id(), guild.id, self.bot_user.name, bot_permissions, 1, True, self.bot_user.id
        )
        guild.roles[bot_role.id] = bot_role
        guild.members[self.bot_user.id] = Member(self.bot_user, [bot_role], self.clock.now())
        if owner is not None:
            guild.members[owner.id] = Member(owner, [], self.clock.now())
        self.guilds[guild.id] = guild
        # Dispatch on the next loop turn, so the test can add channels/roles first.
        self._defer_guild_create(guild)
        return guild

    def _defer_guild_create(self, guild: Guild) -> None:
        if not self.gateway.connected:
            return
        guild.pending_create = True

        def announce() -> None:
            guild.pending_create = False
            payload = guild.to_payload()
            del payload["unavailable"]  # a join, not a lazily loaded guild
            self.gateway.dispatch("GUILD_CREATE", payload)

        asyncio.get_running_loop().call_soon(announce)

    def _guild(self, request: web.Request) -> Guild:
        guild = self.guilds.get(snowflake(request.match_info["gid"]))
        if guild is None:
            raise ApiError(404, 10004, "Unknown Guild")
        return guild

    async def _get_guild(self, request: web.Request) -> web.Response:
        payload = self._guild(request).to_payload()
        for key in ("channels", "members", "threads", "presences", "voice_states"):
            payload.pop(key, None)
        return json_response(payload)

    async def _get_guild_channels(self, request: web.Request) -> web.Response:
        return json_response([c.to_payload() for c in self._guild(request).channels.values()])

    async def _get_guild_roles(self, request: web.Request) -> web.Response:
        return json_response([r.to_payload() for r in self._guild(request).roles.values()])

    async def _get_member(self, request: web.Request) -> web.Response:
        member = self._guild(request).members.get(snowflake(request.match_info["uid"]))
        if member is None:
            raise ApiError(404, 10007, "Unknown Member")
        return json_response(member.to_payload())
