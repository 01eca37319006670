"""REST: channels and DMs (messages, typing, nonces) and attachment downloads."""

from __future__ import annotations

from aiohttp import web

from .errors import ApiError
from .http_plumbing import json_response, read_body, snowflake
from .message_store import MessageStore
from .models import ATTACH_FILES, SEND_MESSAGES, VIEW_CHANNEL, Channel, Message
from .state import NONCE_WINDOW


class ChannelRoutes(MessageStore):
    def _channel(self, request: web.Request) -> Channel:
        channel = self._find_channel(snowflake(request.match_info["cid"]))
        if channel is None:
            raise ApiError(404, 10003, "Unknown Channel")
        if channel.guild is not None:
            perms = channel.guild.permissions_in(self.bot_user, channel)
            if not perms & VIEW_CHANNEL:
                raise ApiError(403, 50001, "Missing Access")
        return channel

    async def _create_dm(self, request: web.Request) -> web.Response:
        body = await request.json()
        user = self.users.get(snowflake(str(body.get("recipient_id", "0"))))
        if user is None or user.bot:
            raise ApiError(400, 50033, "Invalid Recipient(s)")
        return json_response(self.dm_channel(user).to_payload())

    async def _get_channel(self, request: web.Request) -> web.Response:
        return json_response(self._channel(request).to_payload())

    async def _typing(self, request: web.Request) -> web.Response:
        self._channel(request)
        return web.Response(status=204)

    async def _post_channel_message(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        payload, files = await read_body(request)
        if channel.type == 1:
            assert channel.recipient is not None
            if not channel.recipient.dms_open:
                raise ApiError(403, 50007, "Cannot send messages to this user")
        else:
            assert channel.guild is not None
            perms = channel.guild.permissions_in(self.bot_user, channel)
            if not perms & SEND_MESSAGES:
                raise ApiError(403, 50013, "Missing Permissions")
            if files and not perms & ATTACH_FILES:
                raise ApiError(403, 50013, "Missing Permissions")
        self._check_message(payload, files, None)
        nonce = payload.get("nonce")
        now = self.clock.time()
        if nonce is not None and payload.get("enforce_nonce"):
            earlier = self._nonces.get((channel.id, str(nonce)))
            if earlier is not None and now - earlier[0] < NONCE_WINDOW:
                return json_response(earlier[1].to_payload(self))
        message = self._create_message(channel, payload, files)
        if nonce is not None:
            message.nonce = str(nonce)
            self._nonces[(channel.id, str(nonce))] = (now, message)
        await self._notify()
        return json_response(message.to_payload(self))

    def _channel_message(self, request: web.Request) -> Message:
        channel = self._channel(request)
        message = self.messages.get(snowflake(request.match_info["mid"]))
        if (
            message is None
            or message.deleted
            or message.channel_id != channel.id
            or message.ephemeral
        ):
            raise ApiError(404, 10008, "Unknown Message")
        return message

    async def _get_channel_message(self, request: web.Request) -> web.Response:
        return json_response(self._channel_message(request).to_payload(self))

    async def _patch_channel_message(self, request: web.Request) -> web.Response:
        message = self._channel_message(request)
        if message.author is not self.bot_user:
            raise ApiError(403, 50005, "Cannot edit a message authored by another user")
        payload, files = await read_body(request)
        self._check_message(payload, files, message)
        self._edit_message(message, payload, files)
        await self._notify()
        return json_response(message.to_payload(self))

    async def _delete_channel_message(self, request: web.Request) -> web.Response:
        message = self._channel_message(request)
        message.deleted = True
        await self._notify()
        return web.Response(status=204)

    async def _get_attachment(self, request: web.Request) -> web.Response:
        aid = snowflake(request.match_info["aid"])
        attachment = self.uploads.get(aid)
        if attachment is None:
            for message in self.messages.values():
                for candidate in message.attachments:
                    if candidate.id == aid:
                        attachment = candidate
        if attachment is None:
            raise web.HTTPNotFound()
        return web.Response(
            body=attachment.data, content_type=attachment.content_type or "application/octet-stream"
        )
