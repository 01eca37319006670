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
    # No token, so check stops before Discord (tests/test_startup.py logs in to the emulator).
    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/c.db"}
    check = run_cli("check", env=env, cwd=tmp_path)
    assert check.returncode == 2, check.stderr
    assert "settings: OK" in check.stdout
    assert "database: OK (sqlite" in check.stdout
    assert "c.db does not exist yet: `python -m bot` creates it" in check.stdout
    assert not (tmp_path / "c.db").exists()

    upgrade = run_cli("db", "upgrade", env=env, cwd=tmp_path)
    assert upgrade.returncode == 0, upgrade.stderr
    current = run_cli("db", "current", env=env, cwd=tmp_path)
    head = current.stdout.split("(head: ")[1].rstrip(")\n")
    assert current.stdout.startswith(head)
    assert "tables up to date" in run_cli("check", env=env, cwd=tmp_path).stdout


def test_check_explains_tables_not_created_yet_in_plain_words(tmp_path: Path) -> None:
    (tmp_path / "empty.db").write_bytes(b"")  # an existing file without tables
    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/empty.db"}
    check = run_cli("check", env=env, cwd=tmp_path)
    assert "no tables yet: `python -m bot` creates them when it starts" in check.stdout
    assert "None" not in check.stdout and "run db upgrade" not in check.stdout


SUBCOMMANDS = [
    ["run"],
    ["check"],
    ["sync"],
    ["db"],
    ["db", "upgrade"],
    ["db", "current"],
    ["db", "backup"],
    ["letter"],
    ["letter", "export"],
]


@pytest.mark.parametrize("path", SUBCOMMANDS, ids=" ".join)
def test_every_subcommand_help_has_a_description(
    path: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.__main__ import _parser

    with pytest.raises(SystemExit) as done:
        _parser().parse_args([*path, "--help"])
    assert done.value.code == 0
    text = capsys.readouterr().out
    usage, description = text.split("\n\n")[:2]
    assert usage.startswith(f"usage: python -m bot {' '.join(path)}")
    # A sentence saying what it does, before the options.
    assert not description.startswith(("options:", "positional arguments:")), text
    assert len(description.split()) >= 5 and description.rstrip().endswith("."), description


@pytest.mark.parametrize(
    ("group", "hint"), [("db", "`python -m bot db upgrade`"), ("letter", "letter export --ask ID")]
)
def test_a_group_alone_says_what_it_can_do(tmp_path: Path, group: str, hint: str) -> None:
    result = run_cli(group, env={}, cwd=tmp_path)
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("error: say what to do with") and hint in line
    assert "required: " not in line and result.stdout == ""


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


def test_check_names_an_old_schema_in_plain_words() -> None:
    from bot.__main__ import _schema_state

    assert _schema_state("0003", "0003") == "tables up to date"
    old = _schema_state("0002", "0003")
    assert "tables at revision 0002, this version needs 0003" in old
    assert "`python -m bot` upgrades them when it starts" in old
