"""The command line a server admin runs: exit codes and the one line they read."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run_cli(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "DATABASE_"))}
    base["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env={**base, **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_run_without_token_exits_2_with_one_clear_line(tmp_path: Path) -> None:
    result = run_cli(env={}, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "DISCORD_TOKEN is not set" in lines[0]
    assert "Traceback" not in result.stderr


def test_bad_database_url_exits_2_without_traceback(tmp_path: Path) -> None:
    result = run_cli("check", env={"DATABASE_URL": "mysql://x/y"}, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().startswith("error: DATABASE_URL")
    assert "Traceback" not in result.stderr


def test_check_upgrade_current_on_a_fresh_sqlite_file(tmp_path: Path) -> None:
    env = {"DISCORD_TOKEN": "test-token", "DATABASE_URL": f"sqlite:///{tmp_path}/c.db"}
    check = run_cli("check", env=env, cwd=tmp_path)
    assert check.returncode == 0, check.stderr
    assert "settings: OK" in check.stdout
    assert "database: OK (sqlite" in check.stdout
    assert "run db upgrade" in check.stdout
    assert "test-token" not in check.stdout + check.stderr

    upgrade = run_cli("db", "upgrade", env=env, cwd=tmp_path)
    assert upgrade.returncode == 0, upgrade.stderr
    current = run_cli("db", "current", env=env, cwd=tmp_path)
    head = current.stdout.split("(head: ")[1].rstrip(")\n")
    assert current.stdout.startswith(head)
    assert "schema up to date" in run_cli("check", env=env, cwd=tmp_path).stdout


def test_unreachable_database_is_reported_not_raised(tmp_path: Path) -> None:
    env = {"DISCORD_TOKEN": "t", "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"}
    result = run_cli("check", env=env, cwd=tmp_path)
    assert result.returncode == 1
    assert "cannot reach the database" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("entry", [["coalition-bot", "--version"]])
def test_console_script_is_installed(entry: list[str]) -> None:
    script = Path(sys.executable).with_name(entry[0])
    result = subprocess.run([str(script), *entry[1:]], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0
    assert "coalition-bot" in result.stdout


def test_db_backup_writes_a_copy_and_refuses_postgresql(tmp_path: Path) -> None:
    env = {"DISCORD_TOKEN": "t", "DATABASE_URL": f"sqlite:///{tmp_path}/c.db"}
    assert run_cli("db", "upgrade", env=env, cwd=tmp_path).returncode == 0
    done = run_cli("db", "backup", str(tmp_path / "b" / "copy.db"), env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "backup written" in done.stdout
    assert (tmp_path / "b" / "copy.db").stat().st_size > 0
    pg = {"DISCORD_TOKEN": "t", "DATABASE_URL": "postgresql://u@127.0.0.1/x"}
    refused = run_cli("db", "backup", str(tmp_path / "x.db"), env=pg, cwd=tmp_path)
    assert refused.returncode == 2
    assert "pg_dump" in refused.stderr and "Traceback" not in refused.stderr
