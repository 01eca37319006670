"""User text in the bot's messages: it reads as typed but cannot format (bot.text.plain)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.text import plain
from tests.support.corpus import PIECES
from tests.support.discord_markdown import markdown_power


def test_a_masked_link_shows_its_label_and_its_url() -> None:
    text = plain("[innocent text](https://evil.example/a_b)")
    assert text == r"\[innocent text\](https://evil.example/a_b)"
    assert not markdown_power(text)
    # The URL is untouched: Discord links to the address everyone sees.
    assert "https://evil.example/a_b" in text


def test_headings_quotes_subtext_and_lists_lose_their_power() -> None:
    text = plain("# Official notice\n## Sub\n> quoted\n>>> all\n-# small\n- item\n+ item\n2. two")
    assert text.split("\n") == [
        r"\# Official notice",
        r"\#\# Sub",
        r"\> quoted",
        r"\>\>\> all",
        r"\-\# small",
        r"\- item",
        r"\+ item",
        r"2\. two",
    ]
    assert not markdown_power(text)


def test_emphasis_code_spoilers_and_mentions_show_as_typed() -> None:
    assert plain("**b** __u__ ~~s~~ `c` ||x||") == r"\*\*b\*\* \_\_u\_\_ \~\~s\~\~ \`c\` \|\|x\|\|"
    assert plain("<@123> <@&9> <t:1:F>") == r"\<@123\> \<@&9\> \<t:1:F\>"
    assert plain("```\ncode\n```") == "\\`\\`\\`\ncode\n\\`\\`\\`"


def test_a_trailing_backslash_cannot_escape_the_bots_own_markup() -> None:
    assert f"**{plain('Lyon' + chr(92))}**" == "**Lyon\\\\**"


def test_ordinary_text_and_urls_are_unchanged() -> None:
    for text in (
        "Car-free centres by 2030",
        "Saint-Étienne (France)",
        "Meet at 18:00, room 2.",
        "See https://example.org/path?a=1&b=2.",
        "Lyon 🌍🚲",
    ):
        assert plain(text) == text
    assert plain(None) == "" and plain("") == ""


def test_line_separators_and_invisible_characters() -> None:
    assert plain("a\r\n# b\u2028> c") == "a\n\\# b\n\\> c"
    assert plain("Lyon \u202egnp.exe\u200b") == "Lyon gnp.exe"


@given(st.lists(st.sampled_from(PIECES), max_size=12).map("".join))
def test_no_hostile_text_keeps_any_markdown_power(text: str) -> None:
    assert not markdown_power(plain(text))


def test_an_embed_of_escaped_text_is_shortened_to_fit_discords_total() -> None:
    import discord

    from bot.ui import limits

    embed = discord.Embed(title=plain("*" * 100), description=plain("#" * 4000)[:4096])
    for name in ("Coalition", "Target", "Signing for", "Your note"):
        embed.add_field(name=name, value=plain("_" * 400)[:1024])
    assert len(embed) > limits.EMBED_TOTAL
    assert len(limits.fit_embed(embed)) == limits.EMBED_TOTAL
    assert embed.description is not None and embed.description.endswith("…")
    small = discord.Embed(title="t", description="d")
    assert limits.fit_embed(small).description == "d"
