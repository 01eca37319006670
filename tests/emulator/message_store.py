"""Messages the bot writes: Discord's checks, creation, edits, attachments, MESSAGE_CREATE."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import rules
from .errors import ApiError, invalid_form
from .http_plumbing import UploadedFile, snowflake
from .models import Attachment, Channel, Interaction, Message, User
from .state import EmulatorState


class MessageStore(EmulatorState):
    """The emulator's messages: written through REST, read by tests."""

    def channel_messages(
        self, channel: Channel, *, include_ephemeral: bool = False
    ) -> list[Message]:
        return [
            m
            for m in self.messages.values()
            if m.channel_id == channel.id
            and not m.deleted
            and not m.loading
            and (include_ephemeral or not m.ephemeral)
        ]

    def dms(self, user: User) -> list[Message]:
        channel = self.dm_channels.get(user.id)
        if channel is None:
            return []
        return self.channel_messages(channel, include_ephemeral=True)

    def _check_message(
        self, payload: Mapping[str, Any], files: list[UploadedFile], existing: Message | None
    ) -> None:
        errors = rules.validate_message(payload)
        attachments = payload.get("attachments")
        kept = (
            len(attachments)
            if attachments is not None
            else len(existing.attachments)
            if existing
            else 0
        )
        if max(kept, len(files)) > 10:
            errors.append(
                rules.FieldError(
                    ("attachments",), "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length."
                )
            )
        if errors:
            raise invalid_form(errors)
        merged: dict[str, Any] = {}
        if existing is not None:
            merged = {
                "content": existing.content,
                "embeds": existing.embeds,
                "components": existing.components,
            }
        merged.update(
            {
                k: v
                for k, v in payload.items()
                if k in ("content", "embeds", "components", "sticker_ids", "poll")
            }
        )
        has_files = bool(files) or bool(
            attachments if attachments is not None else (existing.attachments if existing else [])
        )
        if rules.is_empty_message(merged, has_files=has_files):
            raise ApiError(400, 50006, "Cannot send an empty message")

    def _create_message(
        self,
        channel: Channel,
        payload: Mapping[str, Any],
        files: list[UploadedFile],
        *,
        interaction: Interaction | None = None,
        kind: int = 0,
        loading: bool = False,
    ) -> Message:
        message = Message(
            id=self.next_id(),
            channel_id=channel.id,
            author=self.bot_user,
            guild_id=channel.guild.id if channel.guild else None,
            type=kind,
            dm_user=channel.recipient,
            interaction=interaction,
            loading=loading,
            created_at=self.clock.now(),
        )
        self._apply(message, payload, files, creating=True)
        self.messages[message.id] = message
        if not loading and not message.ephemeral:
            self._dispatch_message_create(channel, message)
        return message

    def _dispatch_message_create(self, channel: Channel, message: Message) -> None:
        intent = 1 << 12 if channel.type == 1 else 1 << 9
        self.gateway.dispatch("MESSAGE_CREATE", message.to_payload(self), intent=intent)

    def _edit_message(
        self, message: Message, payload: Mapping[str, Any], files: list[UploadedFile]
    ) -> None:
        self._apply(message, payload, files)
        if not message.loading:
            message.edits += 1
            message.edited_at = self.clock.now()

    def _apply(
        self,
        message: Message,
        payload: Mapping[str, Any],
        files: list[UploadedFile],
        *,
        creating: bool = False,
    ) -> None:
        if "content" in payload:
            message.content = payload["content"] or ""
        if "embeds" in payload:
            message.embeds = list(payload["embeds"] or [])
        if "components" in payload:
            message.components = list(payload["components"] or [])
        if payload.get("flags") is not None:
            flags = int(payload["flags"])
            # The ephemeral bit is fixed when a message is created.
            message.flags = flags if creating else (flags & ~64) | (message.flags & 64)
        if "allowed_mentions" in payload:
            message.allowed_mentions = payload["allowed_mentions"]
        if "content" in payload or "embeds" in payload:
            self.mention_log.append((message, payload.get("allowed_mentions")))
        if "tts" in payload:
            message.tts = bool(payload["tts"])
        message.attachments = self._attachments(payload, files, message.attachments)

    def _attachments(
        self, payload: Mapping[str, Any], files: list[UploadedFile], existing: list[Attachment]
    ) -> list[Attachment]:
        def new(upload: UploadedFile, spec: Mapping[str, Any] | None = None) -> Attachment:
            spec = spec or {}
            return Attachment(
                self.next_id(),
                spec.get("filename") or upload.filename,
                upload.data,
                upload.content_type,
                spec.get("description"),
            )

        specs = payload.get("attachments")
        uploads = {f.index: f for f in files}
        if specs is None:
            return [*existing, *(new(f) for f in files)]
        result: list[Attachment] = []
        for spec in specs:
            sid = snowflake(str(spec.get("id")))
            if sid in uploads:
                result.append(new(uploads.pop(sid), spec))
                continue
            kept = next((a for a in existing if a.id == sid), None)
            if kept is not None:
                result.append(kept)
        result += [new(f) for f in uploads.values()]
        return result
