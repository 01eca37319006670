"""A local Discord for end-to-end tests: the emulator composed from its parts by Discord area.

- state.py: the shared records, waiting, violations
- http_plumbing.py: auth, JSON, bodies, injected rate limits and server errors
- identity.py, guilds.py, channels.py, commands.py: REST routes by Discord area
- message_store.py: the messages the bot writes, checked like Discord checks them
- interaction_responses.py: the bot's answers to interactions
- user_input.py: the test acting as a user (slash, click, select, modal)
- gateway.py: the websocket
"""

from __future__ import annotations

import asyncio

from aiohttp import web

from .channels import ChannelRoutes
from .errors import ApiError, EmulatorUsageError, InteractionNotAcknowledged
from .gateway import Gateway
from .guilds import GuildRoutes
from .http_plumbing import HttpPlumbing
from .identity import IdentityRoutes
from .interaction_responses import InteractionResponses
from .state import API_PREFIX
from .user_input import UserInput

__all__ = ["ApiError", "DiscordEmulator", "EmulatorUsageError", "InteractionNotAcknowledged"]


class DiscordEmulator(
    UserInput,
    InteractionResponses,
    ChannelRoutes,
    GuildRoutes,
    IdentityRoutes,
    HttpPlumbing,
):
    """A tiny Discord on 127.0.0.1 that a real discord.py client can log into."""

    def __init__(self, *, bot_name: str = "Emulated Bot") -> None:
        super().__init__(bot_name=bot_name)
        self.gateway = Gateway(self)
        self._runner: web.AppRunner | None = None

    # ================================================================= lifecycle

    async def start(self) -> None:
        app = web.Application(middlewares=[self._middleware], client_max_size=64 * 1024 * 1024)
        self._add_routes(app)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None and server.sockets  # type: ignore[attr-defined]
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]

    async def stop(self) -> None:
        await self.gateway.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> DiscordEmulator:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def wait_until_ready(self, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Wait until the bot identified and every GUILD_CREATE was written."""
        await asyncio.wait_for(self.gateway.ready.wait(), timeout)

    async def request_reconnect(self) -> None:
        """Send op 7; return once the client resumed (RESUMED sent)."""
        await self.gateway.request_reconnect()

    async def drop_gateway(self) -> None:
        """Cut the bot's websocket abruptly (no close frame, no op 7); return once it resumed."""
        await self.gateway.drop()

    def _add_routes(self, app: web.Application) -> None:
        api = API_PREFIX
        r = app.router
        r.add_get("/gateway", self.gateway.handle)
        r.add_get("/attachments/{aid}/{filename}", self._get_attachment)
        r.add_get(api + "/users/@me", self._get_me)
        r.add_get(api + "/oauth2/applications/@me", self._get_application)
        r.add_get(api + "/applications/@me", self._get_application)
        r.add_get(api + "/gateway", self._get_gateway)
        r.add_get(api + "/gateway/bot", self._get_gateway_bot)
        r.add_put(api + "/applications/{app}/commands", self._put_commands)
        r.add_get(api + "/applications/{app}/commands", self._get_commands)
        r.add_put(api + "/applications/{app}/guilds/{gid}/commands", self._put_commands)
        r.add_get(api + "/applications/{app}/guilds/{gid}/commands", self._get_commands)
        r.add_post(api + "/interactions/{iid}/{token}/callback", self._callback)
        r.add_post(api + "/webhooks/{app}/{token}", self._post_followup)
        r.add_get(api + "/webhooks/{app}/{token}/messages/{mid}", self._get_webhook_message)
        r.add_patch(api + "/webhooks/{app}/{token}/messages/{mid}", self._patch_webhook_message)
        r.add_delete(api + "/webhooks/{app}/{token}/messages/{mid}", self._delete_webhook_message)
        r.add_post(api + "/users/@me/channels", self._create_dm)
        r.add_get(api + "/users/{uid}", self._get_user)
        r.add_get(api + "/channels/{cid}", self._get_channel)
        r.add_post(api + "/channels/{cid}/typing", self._typing)
        r.add_post(api + "/channels/{cid}/messages", self._post_channel_message)
        r.add_get(api + "/channels/{cid}/messages/{mid}", self._get_channel_message)
        r.add_patch(api + "/channels/{cid}/messages/{mid}", self._patch_channel_message)
        r.add_delete(api + "/channels/{cid}/messages/{mid}", self._delete_channel_message)
        r.add_get(api + "/guilds/{gid}", self._get_guild)
        r.add_get(api + "/guilds/{gid}/channels", self._get_guild_channels)
        r.add_get(api + "/guilds/{gid}/roles", self._get_guild_roles)
        r.add_get(api + "/guilds/{gid}/members/{uid}", self._get_member)
        r.add_route("*", "/{tail:.*}", self._unknown_route)
