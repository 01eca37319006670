"""Settings from environment variables and ``.env`` (see ``config/example.env``)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./data/coalition.db"

# The longest one webhook attempt may take, in seconds: its DNS lookup, then the whole HTTP
# attempt (connect, send, answer). The lease must cover both. bot.outbound enforces these; they
# are defined here, at the bottom layer, so that settings need not import upward.
DNS_TIMEOUT = 5.0
ATTEMPT_DEADLINE = 15.0


class SettingsError(Exception):
    """A setting is missing or wrong; the message says what to do."""


def _split_ints(value: object) -> object:
    if isinstance(value, str):
        parts = [p.strip() for p in value.split(",") if p.strip()]
        try:
            return [int(p) for p in parts]
        except ValueError as exc:
            raise ValueError("expected a comma-separated list of numeric ids") from exc
    return value


class Settings(BaseSettings):
    """Every setting the bot reads. Field names are the environment variable names."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    discord_token: SecretStr | None = None
    database_url: str = DEFAULT_DATABASE_URL
    discord_api_base: str | None = None
    discord_gateway_url: str | None = None
    discord_guild_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    discord_shard_count: int | None = Field(default=None, ge=1)
    discord_shard_ids: Annotated[list[int] | None, NoDecode] = None
    # Seconds discord.py waits for the last GUILD_CREATE before on_ready (tests shorten it).
    discord_guild_ready_timeout: float = Field(default=2.0, ge=0)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    webhooks_allow_private: bool = False
    # How long a "sending" reminder or webhook delivery is held before another process may retry.
    lease_seconds: int = 120
    # How long the outbox keeps retrying a Discord message before it gives up (visibly).
    outbox_give_up_hours: float = Field(default=24.0, gt=0)

    @field_validator("discord_guild_ids", "discord_shard_ids", mode="before")
    @classmethod
    def _ids(cls, value: object) -> object:
        if value == "" or value is None:
            return None
        return _split_ints(value)

    @field_validator("discord_guild_ids", mode="after")
    @classmethod
    def _no_none(cls, value: list[int] | None) -> list[int]:
        return value or []

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("discord_api_base", "discord_gateway_url", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("discord_api_base")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://[^/\s]+", value):
            raise ValueError(
                "must start with http:// or https://, e.g. http://127.0.0.1:8080/api/v10"
            )
        return value

    @field_validator("discord_gateway_url")
    @classmethod
    def _ws_url(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^wss?://[^/\s]+", value):
            raise ValueError("must start with ws:// or wss://, e.g. ws://127.0.0.1:8080/gateway")
        return value

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        return normalise_database_url(value)

    @field_validator("lease_seconds")
    @classmethod
    def _lease_covers_an_attempt(cls, value: int) -> int:
        # A lease that runs out mid-attempt lets a second process send the same delivery.
        longest = DNS_TIMEOUT + ATTEMPT_DEADLINE
        if value < longest:
            raise ValueError(
                f"must be at least {longest:g} seconds: one webhook attempt may take "
                f"{DNS_TIMEOUT:g} s of DNS lookup plus its {ATTEMPT_DEADLINE:g} s HTTP deadline"
            )
        return value

    @model_validator(mode="after")
    def _shards(self) -> Settings:
        if self.discord_shard_ids and self.discord_shard_count is None:
            raise ValueError("DISCORD_SHARD_IDS needs DISCORD_SHARD_COUNT as well")
        if self.discord_shard_ids and self.discord_shard_count is not None:
            bad = [s for s in self.discord_shard_ids if s >= self.discord_shard_count]
            if bad:
                raise ValueError(
                    f"DISCORD_SHARD_IDS {bad} must be below DISCORD_SHARD_COUNT "
                    f"({self.discord_shard_count})"
                )
        return self

    @property
    def url(self) -> URL:
        return make_url(self.database_url)

    @property
    def backend(self) -> str:
        """``sqlite`` or ``postgresql``: safe to show, never the URL itself."""
        return self.url.get_backend_name()

    @property
    def sharded(self) -> bool:
        return self.discord_shard_count is not None

    def require_token(self) -> str:
        token = self.discord_token.get_secret_value().strip() if self.discord_token else ""
        if not token:
            raise SettingsError(
                "DISCORD_TOKEN is not set: put your bot token in the environment or in .env "
                "(see config/example.env)."
            )
        return token


def normalise_database_url(value: str) -> str:
    """Accept the URL forms hosts hand out and rewrite them for the async drivers."""
    value = value.strip()
    if value.startswith("postgres://"):
        value = "postgresql://" + value[len("postgres://") :]
    try:
        url = make_url(value)
    except ArgumentError as exc:
        raise ValueError(
            "is not a database URL; use e.g. sqlite+aiosqlite:///./data/coalition.db "
            "or postgresql://user@host/dbname"
        ) from exc
    backend = url.get_backend_name()
    if backend == "postgresql":
        url = url.set(drivername="postgresql+asyncpg")
    elif backend == "sqlite":
        url = url.set(drivername="sqlite+aiosqlite")
        if not url.database or url.database == ":memory:":
            raise ValueError(
                "needs a file for SQLite, e.g. sqlite+aiosqlite:///./data/coalition.db"
            )
    else:
        raise ValueError(f"uses {backend!r}; only SQLite and PostgreSQL are supported")
    return url.render_as_string(hide_password=False)


def load_settings(*, create_data_dir: bool = True, **overrides: object) -> Settings:
    """Read settings, turning validation errors into one readable ``SettingsError``.

    Creates the SQLite file's folder unless ``create_data_dir`` is false (``check`` changes
    nothing on disk)."""
    try:
        settings = Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "settings"
        msg = str(first["msg"]).removeprefix("Value error, ")
        raise SettingsError(f"{name} {msg} (see config/example.env).") from None
    if create_data_dir and settings.backend == "sqlite" and settings.url.database:
        Path(settings.url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    return settings
