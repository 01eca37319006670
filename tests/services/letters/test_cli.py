"""``python -m bot letter export`` in-process (the end-to-end suite runs it as a subprocess)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.__main__ import _letter_export, _parser
from bot.services import letters
from bot.settings import load_settings
from tests.conftest import both_backends
from tests.services.letters.conftest import COORD, TODAY, World

pytestmark = both_backends


async def cli(database_url: str, *args: str) -> int:
    settings = load_settings(database_url=database_url)
    return await _letter_export(settings, _parser().parse_args(["letter", "export", *args]))


async def test_stdout_and_file_hold_the_exact_bytes(
    letter_world: World, database_url: str, tmp_path: Path, capsysbinary: pytest.CaptureFixture
) -> None:
    w = letter_world
    expected = await w(letters.export, COORD, ask_id=w.ask, order="population", today=TODAY)
    args = ("--ask", str(w.ask), "--order", "population", "--date", TODAY.isoformat())
    assert await cli(database_url, *args) == 0
    assert capsysbinary.readouterr().out == expected.content

    frozen = await w(letters.finalise, COORD, ask_id=w.ask, now=datetime(2026, 11, 1, tzinfo=UTC))
    target = tmp_path / "v1.md"
    assert await cli(database_url, "--ask", str(w.ask), "--version", "1", "-o", str(target)) == 0
    assert target.read_bytes() == frozen.content
    captured = capsysbinary.readouterr()
    assert captured.out == b"" and frozen.sha256.encode() in captured.err


async def test_errors_exit_1_with_one_line(
    letter_world: World, database_url: str, capsysbinary: pytest.CaptureFixture
) -> None:
    for args, message in [
        (("--ask", "999999"), b"no ask with id 999999"),
        (("--ask", str(letter_world.ask), "--version", "4"), b"no finalised version 4"),
    ]:
        assert await cli(database_url, *args) == 1
        captured = capsysbinary.readouterr()
        assert captured.out == b""
        assert captured.err.startswith(b"error: ") and message in captured.err
        assert captured.err.count(b"\n") == 1


async def test_each_format_of_a_finalised_version_is_the_same_bytes_as_the_service(
    letter_world: World, database_url: str, tmp_path: Path, capsysbinary: pytest.CaptureFixture
) -> None:
    w = letter_world
    await w(letters.finalise, COORD, ask_id=w.ask, now=datetime(2026, 11, 1, tzinfo=UTC))
    for fmt in ("md", "pdf", "docx"):
        expected = await w(letters.export, COORD, ask_id=w.ask, version=1, fmt=fmt)
        target = tmp_path / f"v1.{fmt}"
        args = ("--ask", str(w.ask), "--version", "1", "--format", fmt, "-o", str(target))
        assert await cli(database_url, *args) == 0
        assert target.read_bytes() == expected.content, fmt
        assert expected.sha256.encode() in capsysbinary.readouterr().err
    assert (tmp_path / "v1.pdf").read_bytes().startswith(b"%PDF-")
