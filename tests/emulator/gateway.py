"""The emulator's gateway: HELLO, heartbeats, IDENTIFY/READY, RESUME and dispatches.

Frames are uncompressed JSON text; discord.py accepts those even when it asked for
``zlib-stream``. A session keeps every dispatch it sent so a RESUME replays exactly the
events after the client's last sequence number.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

if TYPE_CHECKING:
    from .server import DiscordEmulator

log = logging.getLogger(__name__)

HEARTBEAT_INTERVAL_MS = 41250

OP_DISPATCH = 0
OP_HEARTBEAT = 1
OP_IDENTIFY = 2
OP_RESUME = 6
OP_RECONNECT = 7
OP_REQUEST_MEMBERS = 8
OP_INVALID_SESSION = 9
OP_HELLO = 10
OP_HEARTBEAT_ACK = 11


class _Marker:
    """Put in a connection's queue: set once everything before it was written."""

    def __init__(self) -> None:
        self.done = asyncio.Event()


class GatewayConnection:
    """One websocket; a writer task sends queued frames in order."""

    def __init__(self, ws: web.WebSocketResponse, transport: Any = None) -> None:
        self.ws = ws
        self.transport = transport
        self.queue: asyncio.Queue[str | _Marker | None] = asyncio.Queue()
        self._writer = asyncio.create_task(self._write(), name="emulator-gateway-writer")

    def send(self, payload: dict[str, Any]) -> None:
        self.queue.put_nowait(json.dumps(payload))

    def send_raw(self, frame: str) -> None:
        self.queue.put_nowait(frame)

    async def flushed(self) -> None:
        marker = _Marker()
        self.queue.put_nowait(marker)
        await marker.done.wait()

    async def _write(self) -> None:
        while True:
            item = await self.queue.get()
            if item is None:
                return
            if isinstance(item, _Marker):
                item.done.set()
                continue
            if self.ws.closed:
                continue
            try:
                await self.ws.send_str(item)
            except (ConnectionError, RuntimeError):
                log.debug("gateway frame dropped: socket closing")

    async def close(self, code: int = 1000) -> None:
        if not self.ws.closed:
            with contextlib.suppress(Exception):
                await self.ws.close(code=code)
        self.queue.put_nowait(None)
        if not self._writer.done():
            try:
                await asyncio.wait_for(self._writer, timeout=1)
            except (TimeoutError, asyncio.CancelledError):
                self._writer.cancel()


class GatewaySession:
    def __init__(self, session_id: str, intents: int, shard: tuple[int, int] = (0, 1)) -> None:
        self.session_id = session_id
        self.intents = intents
        self.shard = shard
        self.seq = 0
        self.sent: list[tuple[int, str]] = []
        self.conn: GatewayConnection | None = None
        self.resumes = 0

    def dispatch(self, event: str, data: Any) -> int:
        self.seq += 1
        frame = json.dumps({"op": OP_DISPATCH, "t": event, "s": self.seq, "d": data})
        self.sent.append((self.seq, frame))
        if self.conn is not None:
            self.conn.send_raw(frame)
        return self.seq

    def events(self, name: str) -> list[dict[str, Any]]:
        """Every dispatch of ``name`` sent in this session (for tests)."""
        found = []
        for _, frame in self.sent:
            decoded = json.loads(frame)
            if decoded["t"] == name:
                found.append(decoded["d"])
        return found


def shard_of(guild_id: int | None, shard_count: int) -> int:
    """Discord's rule: a guild's events go to shard (guild_id >> 22) % shard_count; DMs to 0."""
    return 0 if not guild_id else (guild_id >> 22) % shard_count


def _event_guild(event: str, data: Any) -> int | None:
    if not isinstance(data, dict):
        return None
    if event in ("GUILD_CREATE", "GUILD_UPDATE", "GUILD_DELETE"):
        return int(data.get("id") or 0) or None
    return int(data.get("guild_id") or 0) or None


class Gateway:
    def __init__(self, emu: DiscordEmulator) -> None:
        self._emu = emu
        # One session per shard; an unsharded bot has only shard 0.
        self.sessions: dict[int, GatewaySession] = {}
        self.connections: set[GatewayConnection] = set()
        self.ready = asyncio.Event()
        self.identifies = 0

    @property
    def session(self) -> GatewaySession | None:
        """Shard 0's session (the only one for an unsharded bot)."""
        return self.sessions.get(0) or next(iter(self.sessions.values()), None)

    @property
    def connected(self) -> bool:
        return bool(self.sessions)

    def dispatch(self, event: str, data: Any, *, intent: int | None = None) -> None:
        session = self.session
        if session is None:
            return
        count = session.shard[1]
        if count > 1:
            session = self.sessions.get(shard_of(_event_guild(event, data), count))
            if session is None:
                return
        if intent is not None and not session.intents & intent:
            return
        session.dispatch(event, data)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        conn = GatewayConnection(ws, request.transport)
        self.connections.add(conn)
        conn.send({"op": OP_HELLO, "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS}})
        try:
            async for msg in ws:
                if msg.type == WSMsgType.TEXT:
                    await self._on_frame(conn, json.loads(msg.data))
                elif msg.type == WSMsgType.ERROR:
                    break
        finally:
            if self.session is not None and self.session.conn is conn:
                self.session.conn = None
            await conn.close()
            self.connections.discard(conn)
        return ws

    async def _on_frame(self, conn: GatewayConnection, frame: dict[str, Any]) -> None:
        op = frame.get("op")
        data = frame.get("d")
        if op == OP_HEARTBEAT:
            conn.send({"op": OP_HEARTBEAT_ACK})
        elif op == OP_IDENTIFY:
            await self._identify(conn, data or {})
        elif op == OP_RESUME:
            await self._resume(conn, data or {})
        elif op == OP_REQUEST_MEMBERS:
            self._members_chunk(data or {})
        else:
            log.debug("gateway op %s ignored", op)

    async def _identify(self, conn: GatewayConnection, data: dict[str, Any]) -> None:
        emu = self._emu
        if data.get("token") != emu.bot_token:
            await conn.close(code=4004)
            return
        self.identifies += 1
        shard_id, shard_count = (int(x) for x in (data.get("shard") or (0, 1)))
        old = self.sessions.get(shard_id)
        if old is not None and old.conn is not None:
            old.conn = None
        session = GatewaySession(
            secrets.token_hex(16), int(data.get("intents") or 0), (shard_id, shard_count)
        )
        session.conn = conn
        self.sessions[shard_id] = session
        guilds = [g for g in emu.guilds.values() if shard_of(g.id, shard_count) == shard_id]
        ready = emu._ready_payload(session.session_id)
        ready["guilds"] = [{"id": str(g.id), "unavailable": True} for g in guilds]
        if data.get("shard") is not None:
            ready["shard"] = [shard_id, shard_count]
        session.dispatch("READY", ready)
        for guild in guilds:
            session.dispatch("GUILD_CREATE", guild.to_payload())
        await conn.flushed()
        self.ready.set()
        await emu._notify()

    async def _resume(self, conn: GatewayConnection, data: dict[str, Any]) -> None:
        session = next(
            (x for x in self.sessions.values() if x.session_id == data.get("session_id")), None
        )
        if (
            session is None
            or data.get("session_id") != session.session_id
            or data.get("token") != self._emu.bot_token
        ):
            conn.send({"op": OP_INVALID_SESSION, "d": False})
            return
        last = int(data.get("seq") or 0)
        session.conn = conn
        for seq, frame in session.sent:
            if seq > last:
                conn.send_raw(frame)
        session.dispatch("RESUMED", {})
        session.resumes += 1
        await conn.flushed()
        await self._emu._notify()

    def _members_chunk(self, data: dict[str, Any]) -> None:
        guild = self._emu.guilds.get(int(data.get("guild_id") or 0))
        if guild is None:
            return
        payload: dict[str, Any] = {
            "guild_id": str(guild.id),
            "members": [m.to_payload() for m in guild.members.values()],
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": [],
        }
        if data.get("nonce") is not None:
            payload["nonce"] = data["nonce"]
        self.dispatch("GUILD_MEMBERS_CHUNK", payload)

    async def request_reconnect(self) -> None:
        session = self.session
        if session is None or session.conn is None:
            raise RuntimeError("the bot is not connected to the gateway")
        conn = session.conn
        resumes = session.resumes
        # Detach first: anything dispatched meanwhile is buffered and replayed on RESUME.
        session.conn = None
        conn.send({"op": OP_RECONNECT, "d": None})
        await self._emu._wait(lambda: session.resumes > resumes, 10.0)

    async def drop(self) -> None:
        session = self.session
        if session is None or session.conn is None or session.conn.transport is None:
            raise RuntimeError("the bot is not connected to the gateway")
        conn = session.conn
        resumes = session.resumes
        # Detach first: anything dispatched meanwhile is buffered and replayed on RESUME.
        session.conn = None
        conn.transport.abort()
        await self._emu._wait(lambda: session.resumes > resumes, 15.0)

    async def close(self) -> None:
        for conn in list(self.connections):
            await conn.close(code=1001)
        self.connections.clear()
