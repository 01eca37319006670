"""Point discord.py at another Discord: an HTTP proxy, or the local emulator used by tests.

discord.py reads ``Route.BASE`` on every REST request and ``DiscordWebSocket.DEFAULT_GATEWAY``
whenever it connects, so changing both before ``login`` redirects REST, interaction callbacks,
webhooks and the gateway alike.
"""

from __future__ import annotations

import discord.gateway
import discord.http
import yarl

DEFAULT_API_BASE = discord.http.Route.BASE
DEFAULT_GATEWAY = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY


def point_discord_at(api_base: str | None, gateway_url: str | None) -> None:
    """Send REST calls to ``api_base`` and gateway connections to ``gateway_url``.

    ``None`` restores Discord's own endpoints, so tests that redirect can undo it.
    """
    discord.http.Route.BASE = api_base.rstrip("/") if api_base else DEFAULT_API_BASE
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = (
        yarl.URL(gateway_url) if gateway_url else DEFAULT_GATEWAY
    )
