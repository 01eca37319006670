"""REST: the bot's answers to interactions (callback, followups, @original edits).

Discord's rules are enforced here: one initial response within 3 s, the response types each
interaction allows, and a token that expires after 15 minutes.
"""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

from . import rules
from .errors import ApiError, invalid_form
from .http_plumbing import json_response, read_body, snowflake
from .message_store import MessageStore
from .models import Interaction, Message
from .state import ACK_TIMEOUT, TOKEN_LIFETIME, interaction_kind


class InteractionResponses(MessageStore):
    async def _callback(self, request: web.Request) -> web.Response:
        inter = self.interactions.get(snowflake(request.match_info["iid"]))
        if inter is None or inter.token != request.match_info["token"]:
            raise ApiError(404, 10062, "Unknown interaction")
        try:
            return await self._respond(inter, request)
        except ApiError as error:
            inter.rejections.append(error.detail())
            await self._notify()
            raise

    async def _respond(self, inter: Interaction, request: web.Request) -> web.Response:
        arrived = asyncio.get_running_loop().time()
        if inter.responded_monotonic is None:
            inter.responded_monotonic = arrived
        late = arrived - inter.created_monotonic > ACK_TIMEOUT
        if not inter.acknowledged and (inter.expired or late):
            inter.expired = True
            raise ApiError(404, 10062, "Unknown interaction")
        if inter.acknowledged:
            raise ApiError(400, 40060, "Interaction has already been acknowledged.")
        payload, files = await read_body(request)
        rtype = int(payload.get("type", 0))
        data: dict[str, Any] = payload.get("data") or {}
        allowed = {2: {4, 5, 9}, 3: {4, 5, 6, 7, 9}, 4: {8}, 5: {4, 5, 6, 7}}[inter.type]
        if inter.type == 5 and inter.source_message is None:
            allowed = {4, 5}
        if rtype not in allowed:
            raise invalid_form(
                [
                    rules.FieldError(
                        ("type",),
                        "INTERACTION_RESPONSE_TYPE_INVALID",
                        f"Response type {rtype} is invalid for a {interaction_kind(inter.type)}",
                    )
                ]
            )
        flags = int(data.get("flags") or 0)
        message: Message | None = None
        if rtype == 4:
            self._check_message(data, files, None)
            message = self._create_message(
                inter.channel, data, files, interaction=inter, kind=20 if inter.type == 2 else 19
            )
            inter.message = message
        elif rtype == 5:
            message = self._create_message(
                inter.channel, {"flags": flags & 64}, [], interaction=inter, kind=20, loading=True
            )
            inter.message = message
        elif rtype == 7:
            source = inter.source_message
            assert source is not None
            self._check_message(data, files, source)
            self._edit_message(source, data, files)
            message = inter.message = source
            flags = source.flags
        elif rtype == 8:
            errors = rules.validate_choices(data.get("choices") or [])
            if errors:
                raise invalid_form(errors)
            inter.choices = list(data.get("choices") or [])
        elif rtype == 9:
            errors = rules.validate_modal(data)
            if errors:
                raise invalid_form(errors)
        inter.response_type = rtype
        inter.response_data = data
        inter.response_flags = flags if rtype in (4, 5) else 0
        await self._notify()
        body: dict[str, Any] = {
            "interaction": {
                "id": str(inter.id),
                "type": inter.type,
                "response_message_id": str(message.id) if message else None,
                "response_message_loading": rtype == 5,
                "response_message_ephemeral": bool(flags & 64),
            }
        }
        if message is not None:
            body["resource"] = {"type": rtype, "message": message.to_payload(self)}
        return json_response(body)

    def _webhook_interaction(self, request: web.Request) -> Interaction:
        if snowflake(request.match_info["app"]) != self.application_id:
            raise ApiError(404, 10015, "Unknown Webhook")
        inter = self._by_token.get(request.match_info["token"])
        if inter is None or not inter.acknowledged:
            raise ApiError(404, 10015, "Unknown Webhook")
        if self.clock.time() - inter.created_clock > TOKEN_LIFETIME:
            raise ApiError(404, 10015, "Unknown Webhook (interaction token expired after 15 min)")
        return inter

    def _original(self, inter: Interaction) -> Message:
        if inter.response_type in (6, 7) and inter.source_message is not None:
            return inter.source_message
        if inter.message is None or inter.message.deleted:
            raise ApiError(404, 10008, "Unknown Message")
        return inter.message

    def _webhook_message(self, request: web.Request, inter: Interaction) -> Message:
        mid = request.match_info["mid"]
        if mid == "@original":
            return self._original(inter)
        message = self.messages.get(snowflake(mid))
        owned = [m for m in (inter.message, inter.source_message, *inter.followups) if m]
        if message is None or message.deleted or message not in owned:
            raise ApiError(404, 10008, "Unknown Message")
        return message

    async def _post_followup(self, request: web.Request) -> web.StreamResponse:
        inter = self._webhook_interaction(request)
        payload, files = await read_body(request)
        self._check_message(payload, files, None)
        original = inter.message
        if inter.response_type == 5 and original is not None and original.loading:
            # Discord turns the first followup after a deferral into the original response
            # (keeping the deferral's ephemeral flag): it is inter.message, not a followup.
            payload = {**payload, "flags": original.flags}
            self._edit_message(original, payload, files)
            original.loading = False
            message = original
        else:
            message = self._create_message(
                inter.channel, payload, files, interaction=inter, kind=19
            )
            inter.followups.append(message)
        await self._notify()
        if request.query.get("wait") in ("1", "true", "True"):
            return json_response(message.to_payload(self))
        return web.Response(status=204)

    async def _get_webhook_message(self, request: web.Request) -> web.Response:
        inter = self._webhook_interaction(request)
        return json_response(self._webhook_message(request, inter).to_payload(self))

    async def _patch_webhook_message(self, request: web.Request) -> web.Response:
        inter = self._webhook_interaction(request)
        message = self._webhook_message(request, inter)
        payload, files = await read_body(request)
        self._check_message(payload, files, None if message.loading else message)
        self._edit_message(message, payload, files)
        message.loading = False
        await self._notify()
        return json_response(message.to_payload(self))

    async def _delete_webhook_message(self, request: web.Request) -> web.Response:
        inter = self._webhook_interaction(request)
        message = self._webhook_message(request, inter)
        message.deleted = True
        await self._notify()
        return web.Response(status=204)
