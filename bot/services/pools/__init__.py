"""Pooled procurement: a coalition's demand pools ("12 m electric buses", in "vehicles"), the
cities' pledges (changeable until the deadline, with history), closing (by a coordinator, or
at the deadline exactly once), the export a procurement officer needs, and the reminders
before the deadline.

Modules: ``creating`` (/pool create and the pool's reminder rows), ``pledging`` (/pool
pledge, the Pledge form, /pool withdraw), ``closing`` (/pool close and the close at the
deadline, with its post and the ``pool_closed`` webhook event), ``queries`` (/pool show, the
export's rows, suggestions), ``exporting`` (CSV and Markdown), ``reminding`` (before the
deadline), ``results`` (the values handed back); ``_announcing`` (the live announcement in
the coalition's channel, through the outbox), ``_records``, ``_text`` and ``_notices`` are
internal.
"""

from bot.services.pools._announcing import TEMPLATE as ANNOUNCEMENT_TEMPLATE
from bot.services.pools._announcing import announcement_key, announcement_state
from bot.services.pools._records import POOL_NOT_FOUND
from bot.services.pools._text import (
    DESCRIPTION_LEN,
    ITEM_LEN,
    MAX_QUANTITY,
    NOTE_LEN,
    REASON_LEN,
    UNIT_LEN,
    parse_quantity,
)
from bot.services.pools.closing import EVENT, close_at_deadline, close_pool, closed_key
from bot.services.pools.creating import (
    CLOSE_LABEL,
    POOL_OFFSETS,
    create_pool,
    parse_reminder_key,
    reminder_key,
)
from bot.services.pools.exporting import COLUMNS, FORMATS, build_export, safe_cell
from bot.services.pools.pledging import pledge, pledge_form, withdraw
from bot.services.pools.queries import export_view, pool_choices, show_pool
from bot.services.pools.reminding import remind_before_deadline
from bot.services.pools.results import (
    CloseResult,
    PledgeForm,
    PledgeLine,
    PledgeResult,
    PoolAnnouncement,
    PoolCreated,
    PoolExport,
    PoolInfo,
    PoolView,
    WithdrawResult,
)

__all__ = [
    "ANNOUNCEMENT_TEMPLATE",
    "CLOSE_LABEL",
    "COLUMNS",
    "DESCRIPTION_LEN",
    "EVENT",
    "FORMATS",
    "ITEM_LEN",
    "MAX_QUANTITY",
    "NOTE_LEN",
    "POOL_NOT_FOUND",
    "POOL_OFFSETS",
    "REASON_LEN",
    "UNIT_LEN",
    "CloseResult",
    "PledgeForm",
    "PledgeLine",
    "PledgeResult",
    "PoolAnnouncement",
    "PoolCreated",
    "PoolExport",
    "PoolInfo",
    "PoolView",
    "WithdrawResult",
    "announcement_key",
    "announcement_state",
    "build_export",
    "close_at_deadline",
    "close_pool",
    "closed_key",
    "create_pool",
    "export_view",
    "parse_quantity",
    "parse_reminder_key",
    "pledge",
    "pledge_form",
    "pool_choices",
    "remind_before_deadline",
    "reminder_key",
    "safe_cell",
    "show_pool",
    "withdraw",
]
