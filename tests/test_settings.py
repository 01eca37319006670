"""Settings: what an admin types in .env becomes the right configuration, or one clear error."""

from __future__ import annotations

import pytest

from bot.settings import SettingsError, load_settings


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    for name in (
        "DISCORD_TOKEN",
        "DATABASE_URL",
        "DISCORD_API_BASE",
        "DISCORD_GATEWAY_URL",
        "DISCORD_GUILD_IDS",
        "DISCORD_SHARD_COUNT",
        "DISCORD_SHARD_IDS",
        "LOG_LEVEL",
        "LEASE_SECONDS",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env; the default SQLite folder is created here


def test_defaults_to_a_sqlite_file_and_creates_its_folder(tmp_path) -> None:
    settings = load_settings()
    assert settings.backend == "sqlite"
    assert settings.database_url == "sqlite+aiosqlite:///./data/coalition.db"
    assert (tmp_path / "data").is_dir()


@pytest.mark.parametrize("given", ["postgres://u:p@db:5432/coal", "postgresql://u:p@db:5432/coal"])
def test_postgres_urls_are_rewritten_for_asyncpg(given: str) -> None:
    settings = load_settings(database_url=given)
    assert settings.database_url == "postgresql+asyncpg://u:p@db:5432/coal"
    assert settings.backend == "postgresql"


def test_lists_of_ids_come_from_comma_separated_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_GUILD_IDS", "111, 222,333")
    monkeypatch.setenv("DISCORD_SHARD_COUNT", "4")
    monkeypatch.setenv("DISCORD_SHARD_IDS", "0,2")
    settings = load_settings()
    assert settings.discord_guild_ids == [111, 222, 333]
    assert settings.discord_shard_ids == [0, 2]
    assert settings.sharded


def test_env_file_is_read(tmp_path) -> None:
    (tmp_path / ".env").write_text("DISCORD_TOKEN=abc.def\nLOG_LEVEL=debug\n")
    settings = load_settings()
    assert settings.require_token() == "abc.def"
    assert settings.log_level == "DEBUG"


@pytest.mark.parametrize(
    ("overrides", "says"),
    [
        ({"database_url": "mysql://x/y"}, "DATABASE_URL uses 'mysql'"),
        ({"database_url": "not a url"}, "DATABASE_URL is not a database URL"),
        ({"discord_api_base": "ftp://example"}, "DISCORD_API_BASE must start with http"),
        ({"discord_gateway_url": "http://x"}, "DISCORD_GATEWAY_URL must start with ws"),
        ({"discord_guild_ids": "12,abc"}, "DISCORD_GUILD_IDS"),
        ({"discord_shard_ids": "0"}, "DISCORD_SHARD_COUNT"),
        ({"discord_shard_count": 2, "discord_shard_ids": "3"}, "must be below"),
        ({"lease_seconds": 19}, "LEASE_SECONDS must be at least 20 seconds"),
        ({"lease_seconds": 0}, "LEASE_SECONDS must be at least 20 seconds"),
    ],
)
def test_bad_settings_give_one_clear_line(overrides: dict, says: str) -> None:
    with pytest.raises(SettingsError) as err:
        load_settings(**overrides)
    assert says in str(err.value)
    assert "\n" not in str(err.value)


def test_missing_token_says_what_to_do() -> None:
    with pytest.raises(SettingsError, match="DISCORD_TOKEN is not set"):
        load_settings().require_token()


def test_backend_name_never_reveals_credentials() -> None:
    settings = load_settings(database_url="postgresql://admin:hunter2@db/coal")
    assert settings.backend == "postgresql"
    assert "hunter2" not in settings.backend


def test_a_lease_shorter_than_one_webhook_attempt_stops_start_up(tmp_path) -> None:
    """Issue 13 item 6: a lease that can run out mid-attempt lets a second process send the
    same delivery, so the bot refuses it at start like any other bad setting."""
    from tests.test_cli import run_cli

    result = run_cli("check", env={"LEASE_SECONDS": "10"}, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: LEASE_SECONDS must be at least 20 seconds")
    assert "DNS" in lines[0] and "Traceback" not in result.stderr
    assert load_settings(lease_seconds=20).lease_seconds == 20
