"""What the ask services return, and the refusals a cog may want to render richly.

Frozen dataclasses of plain values: a cog renders them without touching the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from bot.errors import Conflict, InvalidInput
from bot.services.asks._text import deadline_prefill
from bot.services.timeparse import format_utc

# --- errors the cog may want to render richly ---


class AlreadySigned(Conflict):
    """``signed_at`` lets the cog show a Discord timestamp; the message carries it in UTC too."""

    def __init__(self, city_name: str, signed_at: datetime) -> None:
        super().__init__(f"{city_name} already signed on {format_utc(signed_at)}.")
        self.city_name = city_name
        self.signed_at = signed_at


class AuthorityRequired(InvalidInput):
    """The coalition requires proof of authority and the sign-on gave none (or too little)."""

    def __init__(self, coalition_name: str, missing: str) -> None:
        super().__init__(
            f"{coalition_name} requires the basis of every sign-on: {missing}. Give the council "
            "resolution or mayoral decision you sign under: its reference, its date "
            '(YYYY-MM-DD) and, if it is published, its URL (the form of "Give the basis and '
            'sign", or the basis options of /ask sign).'
        )
        self.coalition_name = coalition_name


class AskChanged(Conflict):
    def __init__(self, current_version: int) -> None:
        super().__init__(
            "The ask changed since you opened it; run /ask sign again to read the new text."
        )
        self.current_version = current_version


class AskClosed(Conflict):
    def __init__(self, title: str, coalition_name: str) -> None:
        super().__init__(
            f'"{title}" is closed; ask a coordinator of {coalition_name} to reopen it.'
        )


class AlreadyWithdrawn(Conflict):
    """The city's latest sign-on is already withdrawn (maybe a moment ago, by someone else)."""

    def __init__(self, city_name: str, title: str, withdrawn_at: datetime, verb: str) -> None:
        super().__init__(
            f'{city_name} already withdrew from "{title}" on {format_utc(withdrawn_at)}, so '
            f"there is nothing to {verb}. If your city changes its mind, sign it again with "
            "/ask sign."
        )
        self.city_name = city_name
        self.withdrawn_at = withdrawn_at


class AlreadyConfirmed(Conflict):
    """The city already stands behind the current version (maybe a moment ago)."""

    def __init__(self, city_name: str, title: str, version: int, confirmed_at: datetime) -> None:
        super().__init__(
            f'{city_name} already confirmed version {version} of "{title}" on '
            f"{format_utc(confirmed_at)}. Nothing more to do."
        )
        self.city_name = city_name
        self.version = version
        self.confirmed_at = confirmed_at


class AskEditedMeanwhile(Conflict):
    """An edit submitted from a form opened on an older version: nothing is saved.

    ``diff`` shows what the other edit(s) changed, from the version the form was opened on to
    the current one; the cog offers to reopen the form on the current text."""

    def __init__(
        self,
        *,
        ask_id: int,
        title: str,
        opened_version: int,
        current_version: int,
        edited_by: int,
        edited_at: datetime,
        diff: str,
    ) -> None:
        super().__init__(
            f'"{title}" was edited after you opened this form (version {opened_version} → '
            f"{current_version}), so nothing was saved: your form would have overwritten that "
            "edit. Reopen the form on the new text and make your changes again."
        )
        self.ask_id = ask_id
        self.title = title
        self.opened_version = opened_version
        self.current_version = current_version
        self.edited_by = edited_by
        self.edited_at = edited_at
        self.diff = diff


# --- returned values ---


@dataclass(frozen=True, slots=True)
class AskSummary:
    id: int
    coalition_id: int
    coalition_name: str
    title: str
    status: str  # AskStatus: "open" | "closed"
    version: int
    deadline: datetime | None
    signed: int
    total: int  # active member cities


@dataclass(frozen=True, slots=True)
class AskCreated:
    id: int
    coalition_id: int
    coalition_name: str
    channel_id: int | None  # where the cog may announce it
    title: str
    target: str
    text: str
    version: int
    deadline: datetime | None
    deadline_note: str | None  # e.g. "happens twice ... I used the first one"
    outbox_ids: tuple[int, ...] = ()  # the announcement, queued (bot.services.outbox)
    deadline_reading: str = ""  # the typed deadline in words, as read ("read as …"), to show


BASIS_KIND_WORDS = {
    "council_resolution": "council resolution",
    "mayoral_decision": "mayoral decision",
}


@dataclass(frozen=True, slots=True)
class Basis:
    """A sign-on's proof of authority: a council resolution or mayoral decision (BasisKind)."""

    kind: str
    reference: str
    date: date | None
    url: str | None = None

    @property
    def kind_words(self) -> str:
        return BASIS_KIND_WORDS.get(self.kind, self.kind)

    def describe(self) -> str:
        """One line: "council resolution 2026-117 of 2026-11-20 (https://…)"."""
        text = f"{self.kind_words} {self.reference}"
        if self.date is not None:
            text += f" of {self.date.isoformat()}"
        return f"{text} ({self.url})" if self.url else text

    def payload(self) -> dict[str, object]:
        """As sent in webhooks."""
        return {
            "kind": self.kind,
            "reference": self.reference,
            "date": self.date.isoformat() if self.date else None,
            "url": self.url,
        }


@dataclass(frozen=True, slots=True)
class SignatoryInfo:
    city_id: int
    city_name: str
    country: str
    user_id: int  # who signed
    title: str | None  # their title when they signed
    signed_at: datetime
    signed_version: int
    confirmed_version: int
    confirmed_at: datetime
    confirmed_by: int
    note: str | None
    basis: Basis | None = None


@dataclass(frozen=True, slots=True)
class WithdrawnInfo:
    city_id: int
    city_name: str
    country: str
    signed_by: int
    withdrawn_by: int
    withdrawn_at: datetime
    reason: str


@dataclass(frozen=True, slots=True)
class LeftInfo:
    """A signature that stopped counting because its city left (or was removed from) the
    coalition. Rejoining does not revive it: the city signs again."""

    city_id: int
    city_name: str
    country: str
    signed_by: int
    signed_at: datetime
    left_at: datetime
    ended_by: int  # who took the city out (its representative, a coordinator or an admin)
    member: bool  # back in the coalition, but not counted until it signs again


@dataclass(frozen=True, slots=True)
class MissingCity:
    city_id: int
    city_name: str
    country: str


@dataclass(frozen=True, slots=True)
class Signatories:
    """Every active member city appears in exactly one of the lists signed,
    needs_reconfirmation, withdrawn, missing, or (when it left and came back) left; ``left``
    also shows the cities no longer in the coalition whose signature ended when they left."""

    ask_id: int
    title: str
    version: int
    signed: list[SignatoryInfo]  # by signing time
    needs_reconfirmation: list[SignatoryInfo]  # signed an earlier version; not counted
    withdrawn: list[WithdrawnInfo]  # latest sign-on withdrawn, not signed again
    missing: list[MissingCity]  # never signed, by name
    total: int
    left: list[LeftInfo] = field(default_factory=list)  # latest sign-on ended by leaving

    @property
    def signed_count(self) -> int:
        return len(self.signed)


@dataclass(frozen=True, slots=True)
class AskDetail:
    id: int
    coalition_id: int
    coalition_name: str
    coalition_archived: bool
    status: str
    title: str
    target: str
    text: str
    version: int
    version_created_at: datetime
    deadline: datetime | None
    created_by: int
    created_at: datetime
    closed_at: datetime | None
    signatories: Signatories

    @property
    def signed(self) -> int:
        return self.signatories.signed_count

    @property
    def total(self) -> int:
        return self.signatories.total


@dataclass(frozen=True, slots=True)
class SignPrompt:
    """What to show in the Confirm/Cancel prompt; pass ``version`` back to confirm_sign."""

    ask_id: int
    coalition_name: str
    title: str
    target: str
    text: str
    version: int
    deadline: datetime | None
    city_id: int
    city_name: str
    signer_title: str | None
    needs_reconfirmation: bool  # the city signed an earlier version; confirming re-confirms
    authority_required: bool = False  # the coalition requires the basis of a sign-on
    basis: Basis | None = None  # the basis given with /ask sign, checked


@dataclass(frozen=True, slots=True)
class SignResult:
    ask_id: int
    title: str
    city_id: int
    city_name: str
    version: int
    signed_at: datetime  # when the city first signed (this sign-on)
    confirmed_at: datetime
    signer_title: str | None
    reconfirmed: bool  # True when this confirmed an earlier signature for a new version
    signed: int  # progress after this action
    total: int
    channel_id: int | None
    outbox_ids: tuple[int, ...] = ()  # the progress line, queued (bot.services.outbox)
    # The next step offered after signing: the ask is open to statements (it is open), and
    # whether the city already has one there.
    takes_statements: bool = False
    has_statement: bool = False
    basis: Basis | None = None  # the proof of authority on record for this sign-on


@dataclass(frozen=True, slots=True)
class CityChoice:
    """One of the presser's cities on an ask (Sign for my city, several cities)."""

    city_id: int
    city_name: str
    signed: bool  # already stands behind the current version


@dataclass(frozen=True, slots=True)
class SignChoice:
    """What Sign for my city opens: the prompt for the presser's one city, or a chooser."""

    ask_id: int
    title: str
    prompt: SignPrompt | None  # one city: the same prompt as /ask sign
    cities: tuple[CityChoice, ...] = ()  # several cities: choose one


@dataclass(frozen=True, slots=True)
class AskText:
    """The whole ask, for Read the full text."""

    ask_id: int
    coalition_name: str
    title: str
    target: str
    text: str
    version: int
    edited_at: datetime | None  # when the current text was written, if edited since created
    deadline: datetime | None
    status: str


@dataclass(frozen=True, slots=True)
class AskPost:
    """What an ask's live announcement shows when it is sent (rendered by the outbox)."""

    ask_id: int
    coalition_name: str
    title: str
    target: str
    text: str
    edited_at: datetime | None
    deadline: datetime | None
    status: str
    signed: int
    total: int


@dataclass(frozen=True, slots=True)
class WithdrawResult:
    ask_id: int
    title: str
    city_id: int
    city_name: str
    withdrawn_at: datetime
    reason: str
    signed: int
    total: int
    channel_id: int | None
    outbox_ids: tuple[int, ...] = ()  # the progress line, queued (bot.services.outbox)


@dataclass(frozen=True, slots=True)
class Recipient:
    user_id: int
    city_id: int
    city_name: str


@dataclass(frozen=True, slots=True)
class EditResult:
    ask_id: int
    title: str
    old_version: int
    version: int  # == old_version when only the deadline changed
    new_version: bool
    changed: list[str]  # among "title", "target", "text", "deadline"
    deadline: datetime | None
    deadline_note: str | None
    diff: str  # unified diff of title/target/text, at most 1,500 characters ("" if none)
    to_notify: list[Recipient] = field(default_factory=list)  # DM each with a Confirm button
    outbox_ids: tuple[int, ...] = ()  # the DMs to ``to_notify``, queued in that order
    deadline_reading: str = ""  # a new deadline in words, as read ("read as …"), to show


@dataclass(frozen=True, slots=True)
class AskStatusResult:
    ask_id: int
    title: str
    status: str
    at: datetime


@dataclass(frozen=True, slots=True)
class AskEventInfo:
    id: int
    # created | edited | signed | reconfirmed | withdrawn | left | closed | reopened
    kind: str
    user_id: int
    at: datetime
    version: int | None
    city_id: int | None
    city_name: str | None
    detail: str | None


@dataclass(frozen=True, slots=True)
class EditForm:
    """What the /ask edit modal is pre-filled with."""

    ask_id: int
    coalition_name: str
    title: str
    target: str
    text: str
    version: int
    deadline: datetime | None
    # The zone the deadline was typed in (None: not known, e.g. set before zones were kept):
    # the form shows the deadline on that wall clock and keeps the zone.
    deadline_zone: str | None = None

    @property
    def deadline_boxes(self) -> tuple[str, str]:
        """The form's deadline and time zone boxes: the deadline on the wall clock of the zone
        it was set in, and that zone (UTC when the zone is not known)."""
        return deadline_prefill(self.deadline, self.deadline_zone)
