"""Application commands: the bot's sync (PUT/GET), and the data of a slash invocation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiohttp import web

from . import rules
from .errors import ApiError, EmulatorUsageError, invalid_form
from .http_plumbing import json_response, snowflake
from .models import Attachment, Channel, Guild, Role, User
from .state import DM_APP_PERMISSIONS, EmulatorState


class CommandRegistry(EmulatorState):
    """Commands as registered by the bot, and the options a user fills in."""

    def commands(self, guild: Guild | None = None) -> list[dict[str, Any]]:
        if guild is None:
            return list(self._global_commands)
        return list(self._guild_commands.get(guild.id, []))

    def command_paths(self, guild: Guild | None = None) -> set[str]:
        """Every invocable chat-input path ("ask sign") among the registered commands."""
        paths: set[str] = set()
        for command in self.commands(guild):
            if int(command.get("type", 1)) != 1:
                continue
            paths |= command_paths_of(command["name"], command.get("options") or [])
        return paths

    # ================================================================= REST

    def _commands_scope(self, request: web.Request) -> int | None:
        if snowflake(request.match_info["app"]) != self.application_id:
            raise ApiError(404, 10002, "Unknown Application")
        gid = request.match_info.get("gid")
        if gid is None:
            return None
        if snowflake(gid) not in self.guilds:
            raise ApiError(403, 50001, "Missing Access")
        return snowflake(gid)

    async def _put_commands(self, request: web.Request) -> web.Response:
        gid = self._commands_scope(request)
        body = await request.json()
        if not isinstance(body, list):
            raise invalid_form([rules.FieldError((), "LIST_TYPE_CONVERT", "Must be a list")])
        errors = rules.validate_commands(body, is_global=gid is None)
        if errors:
            raise invalid_form(errors)
        self.command_puts += 1
        stored = []
        for command in body:
            kind = int(command.get("type", 1))
            key = (gid, kind, command["name"])
            if key not in self._command_ids:
                self._command_ids[key] = self.next_id()
            entry = {
                "type": kind,
                "description": "",
                "default_member_permissions": None,
                "nsfw": False,
                **command,
                "id": str(self._command_ids[key]),
                "application_id": str(self.application_id),
                "version": str(self.next_id()),
            }
            if gid is not None:
                entry["guild_id"] = str(gid)
            stored.append(entry)
        if gid is None:
            self._global_commands = stored
        else:
            self._guild_commands[gid] = stored
        return json_response(stored)

    async def _get_commands(self, request: web.Request) -> web.Response:
        gid = self._commands_scope(request)
        commands = self._global_commands if gid is None else self._guild_commands.get(gid, [])
        return json_response(commands)

    # ================================================================= invocation data

    def _find_command(self, name: str, guild: Guild | None) -> dict[str, Any] | None:
        pools = [self._guild_commands.get(guild.id, [])] if guild is not None else []
        pools.append(self._global_commands)
        for pool in pools:
            for command in pool:
                if command["name"] == name and int(command.get("type", 1)) == 1:
                    return command
        return None

    def _command_data(
        self,
        path: str,
        guild: Guild | None,
        options: Mapping[str, Any],
        *,
        focused: tuple[str, str] | None = None,
    ) -> dict[str, Any]:
        parts = path.split()
        if not parts:
            raise EmulatorUsageError("empty command path")
        command = self._find_command(parts[0], guild)
        if command is None:
            where = f"guild {guild.name}" if guild else "global"
            raise EmulatorUsageError(f"command {parts[0]!r} is not registered ({where} or global)")
        if guild is None and command.get("guild_id"):
            raise EmulatorUsageError("guild commands cannot be used in DMs")
        contexts = command.get("contexts")
        if guild is None and contexts is not None and 1 not in contexts:
            raise EmulatorUsageError(f"command {parts[0]!r} is not available in DMs")
        data: dict[str, Any] = {"id": command["id"], "name": command["name"], "type": 1}
        if command.get("guild_id"):
            data["guild_id"] = command["guild_id"]
        definitions: list[dict[str, Any]] = command.get("options") or []
        out: list[dict[str, Any]] = []
        data["options"] = out
        for part in parts[1:]:
            sub = next(
                (d for d in definitions if d["name"] == part and int(d["type"]) in (1, 2)), None
            )
            if sub is None:
                raise EmulatorUsageError(f"{path!r}: no subcommand or group {part!r}")
            node: dict[str, Any] = {"type": int(sub["type"]), "name": part, "options": []}
            out.append(node)
            out = node["options"]
            definitions = sub.get("options") or []
        if any(int(d["type"]) in (1, 2) for d in definitions):
            raise EmulatorUsageError(f"{path!r} is a group: name a subcommand")
        by_name = {d["name"]: d for d in definitions}
        resolved: dict[str, dict[str, Any]] = {}
        for name, value in options.items():
            definition = by_name.get(name)
            if definition is None:
                raise EmulatorUsageError(f"{path!r} has no option {name!r} (has {sorted(by_name)})")
            out.append(self._option_value(definition, value, resolved, guild))
        if focused is not None:
            name, typed = focused
            definition = by_name.get(name)
            if definition is None or not definition.get("autocomplete"):
                raise EmulatorUsageError(f"{path!r} option {name!r} has no autocomplete")
            out.append(
                {"type": int(definition["type"]), "name": name, "value": typed, "focused": True}
            )
        else:
            missing = [
                d["name"] for d in definitions if d.get("required") and d["name"] not in options
            ]
            if missing:
                raise EmulatorUsageError(f"{path!r} requires options {missing}")
        if resolved:
            data["resolved"] = resolved
        return data

    def _option_value(
        self,
        definition: dict[str, Any],
        value: Any,
        resolved: dict[str, dict[str, Any]],
        guild: Guild | None,
    ) -> dict[str, Any]:
        kind = int(definition["type"])
        name = definition["name"]
        out: dict[str, Any] = {"type": kind, "name": name}
        if kind == 3:
            text = str(value)
            low = int(definition.get("min_length", 0))
            high = int(definition.get("max_length", 6000))
            if not low <= len(text) <= high:
                raise EmulatorUsageError(f"option {name!r} takes {low}..{high} characters")
            out["value"] = text
        elif kind in (4, 10):
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise EmulatorUsageError(f"option {name!r} takes a number, got {value!r}")
            if kind == 4 and not float(value).is_integer():
                raise EmulatorUsageError(f"option {name!r} takes an integer, got {value!r}")
            number = int(value) if kind == 4 else float(value)
            low_v, high_v = definition.get("min_value"), definition.get("max_value")
            if (low_v is not None and number < low_v) or (high_v is not None and number > high_v):
                raise EmulatorUsageError(f"option {name!r} takes {low_v}..{high_v}")
            out["value"] = number
        elif kind == 5:
            if not isinstance(value, bool):
                raise EmulatorUsageError(f"option {name!r} takes a bool")
            out["value"] = value
        elif kind == 6:
            out["value"] = str(self._resolve_user(value, name, resolved, guild).id)
        elif kind == 7:
            if not isinstance(value, Channel):
                raise EmulatorUsageError(f"option {name!r} takes a Channel")
            out["value"] = str(value.id)
            resolved.setdefault("channels", {})[str(value.id)] = self._resolved_channel(value)
        elif kind == 8:
            if not isinstance(value, Role):
                raise EmulatorUsageError(f"option {name!r} takes a Role")
            out["value"] = str(value.id)
            resolved.setdefault("roles", {})[str(value.id)] = value.to_payload()
        elif kind == 9:
            if isinstance(value, Role):
                out["value"] = str(value.id)
                resolved.setdefault("roles", {})[str(value.id)] = value.to_payload()
            else:
                out["value"] = str(self._resolve_user(value, name, resolved, guild).id)
        elif kind == 11:
            attachment = self._upload(value, name)
            out["value"] = str(attachment.id)
            resolved.setdefault("attachments", {})[str(attachment.id)] = attachment.to_payload(
                self.base_url
            )
        else:
            raise EmulatorUsageError(f"option {name!r} has unsupported type {kind}")
        choices = definition.get("choices")
        if choices and out["value"] not in [c["value"] for c in choices]:
            raise EmulatorUsageError(
                f"option {name!r} must be one of {[c['value'] for c in choices]}"
            )
        return out

    def _resolve_user(
        self, value: Any, name: str, resolved: dict[str, dict[str, Any]], guild: Guild | None
    ) -> User:
        if not isinstance(value, User):
            raise EmulatorUsageError(f"option {name!r} takes a User")
        resolved.setdefault("users", {})[str(value.id)] = value.to_payload()
        if guild is not None and value.id in guild.members:
            member = guild.members[value.id].to_payload(with_user=False)
            member["permissions"] = str(guild.base_permissions(value))
            resolved.setdefault("members", {})[str(value.id)] = member
        return value

    def _resolved_channel(self, channel: Channel) -> dict[str, Any]:
        payload = channel.to_payload()
        perms = (
            channel.guild.permissions_in(self.bot_user, channel)
            if channel.guild
            else DM_APP_PERMISSIONS
        )
        payload["permissions"] = str(perms)
        payload.setdefault("name", channel.name)
        return payload

    def _upload(self, value: Any, name: str) -> Attachment:
        if isinstance(value, Attachment):
            attachment = value
        elif isinstance(value, tuple) and len(value) == 2:
            filename, data = value
            attachment = Attachment(self.next_id(), str(filename), bytes(data))
        else:
            raise EmulatorUsageError(f"option {name!r} takes (filename, bytes)")
        self.uploads[attachment.id] = attachment
        return attachment


def command_paths_of(prefix: str, options: list[dict[str, Any]]) -> set[str]:
    subs = [o for o in options if int(o.get("type", 3)) in (1, 2)]
    if not subs:
        return {prefix}
    paths: set[str] = set()
    for sub in subs:
        paths |= command_paths_of(f"{prefix} {sub['name']}", sub.get("options") or [])
    return paths
