"""Hostile text: a fixed corpus for end-to-end tests and Hypothesis strategies built on it."""

from __future__ import annotations

from hypothesis import strategies as st

ROLE_ID = 987654321098765432
USER_ID = 123456789012345678

# Each one is an attack or an edge of its own; the end-to-end tests send every one.
CORPUS: dict[str, str] = {
    "everyone": "@everyone please read this",
    "here": "@here look",
    "role mention": f"<@&{ROLE_ID}> and <@&{ROLE_ID}>",
    "user mention": f"hi <@{USER_ID}> and <@!{USER_ID}>",
    "markdown": "**bold** __under__ *it* ~~strike~~ `code` ||spoiler|| [x](https://evil.example)",
    "code fence": "```\n@everyone\n```",
    "html": "<script>alert(1)</script> <b>bold</b> &lt;tag&gt; &amp;",
    "heading and list": "# Heading\n- item\n1. first\n> quote",
    "zero width": "Ly\u200bon",
    "bidi override": "Lyon \u202egnp.exe",
    "bidi isolate": "\u2066Lyon\u2069",
    "bom": "\ufeffLyon",
    "combining": "Zu\u0308rich Z\u0351\u0352\u0353\u0354\u0355\u0356algo",
    "emoji": "Lyon 🌍🚲 ✊🏽",
    "zwj emoji": "Lyon 👩\u200d👩\u200d👧",
    "nul": "Ly\x00on",
    "empty": "",
    "whitespace only": " \t \u3000 ",
    "4001 chars": "a" * 4001,
    "one long word": "W" * 3000,
}

# Pieces hostile text is built from (combined at random by Hypothesis).
PIECES = [
    *CORPUS.values(),
    "\n",
    "\r\n",
    "\r",
    "\t",
    " ",
    "|",
    "\\",
    "*",
    "_",
    "e\u0301",
    "\u0301",
    "ß",
    "İ",
    "ﬁ",
    "\u0085",
    "\u2028",
    "\x7f",
    "\x1b[31m",
    "%s",
    "{0}",
    "'; DROP TABLE cities; --",
    "Robert'); --",
    "\\x00",
]


def hostile_text(max_size: int = 4200) -> st.SearchStrategy[str]:
    """Arbitrary Unicode, corpus pieces glued together, and very long runs (limits ± 1)."""
    runs = st.builds(
        lambda piece, n: (piece * n)[:max_size],
        st.sampled_from(["a", "é", "W", " ", "@everyone ", "e\u0301", "😀"]),
        st.sampled_from(
            [
                0,
                1,
                99,
                100,
                101,
                199,
                200,
                201,
                999,
                1000,
                1001,
                1999,
                2000,
                2001,
                3000,
                3999,
                4000,
                4001,
            ]
        ),
    )
    return st.one_of(
        st.text(max_size=200),
        st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=10)), max_size=12).map(
            "".join
        ),
        runs,
        st.sampled_from(list(CORPUS.values())),
    )
