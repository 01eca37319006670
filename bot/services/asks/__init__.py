"""Policy asks, sign-ons and their history (/ask ...).

- ``editing``: coordinators create, edit (each new text is a version), close and reopen asks.
- ``signing``: a city signs, re-confirms a new version, or withdraws.
- ``queries``: read-only: list, show, the full text, signatories, history, and what the live
  announcement shows (``announcement_state``, for the outbox).
- ``_announce``: what the asks queue in the outbox (the live announcement and its edits, the
  progress lines, the re-confirmation DMs).
- ``results``: the frozen values these return and the refusals a cog may render richly.

A city counts as *signed* when it has a current sign-on confirmed for the ask's current version
and is a current active member of the coalition (see bot.services.lookups).
"""

from bot.services.asks._announce import announcement_key
from bot.services.asks._announce import refresh as refresh_announcement
from bot.services.asks._text import (
    BODY_LEN,
    DIFF_LEN,
    NOTE_LEN,
    REASON_LEN,
    STATUSES,
    TARGET_LEN,
    TITLE_LEN,
    text_diff,
)
from bot.services.asks.editing import (
    close_ask,
    coalition_for_new_ask,
    create_ask,
    edit_ask,
    edit_form,
    reopen_ask,
)
from bot.services.asks.queries import (
    announcement_state,
    full_text,
    guild_of_ask,
    history,
    list_asks,
    show_ask,
    signatories,
)
from bot.services.asks.results import (
    AlreadyConfirmed,
    AlreadySigned,
    AlreadyWithdrawn,
    AskChanged,
    AskClosed,
    AskCreated,
    AskDetail,
    AskEditedMeanwhile,
    AskEventInfo,
    AskPost,
    AskStatusResult,
    AskSummary,
    AskText,
    CityChoice,
    EditForm,
    EditResult,
    LeftInfo,
    MissingCity,
    Recipient,
    Signatories,
    SignatoryInfo,
    SignChoice,
    SignPrompt,
    SignResult,
    WithdrawnInfo,
    WithdrawResult,
)
from bot.services.asks.signing import (
    confirm_sign,
    prepare_sign,
    reconfirm,
    sign_choices,
    withdraw,
)

__all__ = [
    "BODY_LEN",
    "DIFF_LEN",
    "NOTE_LEN",
    "REASON_LEN",
    "STATUSES",
    "TARGET_LEN",
    "TITLE_LEN",
    "AlreadyConfirmed",
    "AlreadySigned",
    "AlreadyWithdrawn",
    "AskChanged",
    "AskClosed",
    "AskCreated",
    "AskDetail",
    "AskEditedMeanwhile",
    "AskEventInfo",
    "AskPost",
    "AskStatusResult",
    "AskSummary",
    "AskText",
    "CityChoice",
    "EditForm",
    "EditResult",
    "LeftInfo",
    "MissingCity",
    "Recipient",
    "SignChoice",
    "SignPrompt",
    "SignResult",
    "Signatories",
    "SignatoryInfo",
    "WithdrawResult",
    "WithdrawnInfo",
    "announcement_key",
    "announcement_state",
    "close_ask",
    "coalition_for_new_ask",
    "confirm_sign",
    "create_ask",
    "edit_ask",
    "edit_form",
    "full_text",
    "guild_of_ask",
    "history",
    "list_asks",
    "prepare_sign",
    "reconfirm",
    "refresh_announcement",
    "reopen_ask",
    "show_ask",
    "sign_choices",
    "signatories",
    "text_diff",
    "withdraw",
]
