"""What differs from one channel to the next: the `ChannelStrategy` each channel implements,
and the registry the pipeline and the handsets look channels up in by name.

A strategy says how a message is cut into units (SMS parts), when a unit lands given the
handset's behaviour (its delay, the message's validity), what the behaviour makes of it (the
outcomes it allows, the error code), and what the handset's inbox shows once every unit of a
message has landed. A new channel registers its strategy (`CHANNELS.register`); the pipeline
is not edited.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol, runtime_checkable

from ringback.network.behaviours import Behaviour
from ringback.network.inbound import InboundServices
from ringback.state.store import Tx


@dataclass(frozen=True)
class Content:
    """What a sender hands a channel to carry. `kind` is the channel's own word for the
    content (SMS: text, unicode or binary); `data` and `header` carry binary content."""

    text: str = ""
    kind: str = "text"
    data: bytes = b""
    header: bytes = b""


@dataclass(frozen=True)
class Cut:
    """A message cut into the units the network carries and the sender is charged for."""

    encoding: str
    units: Sequence[str]


class Timing(NamedTuple):
    """When a unit lands; `expires` when the message's validity runs out first."""

    due: float
    expires: bool


class Landing(NamedTuple):
    """What became of a unit when it landed: the channel's outcome and error code."""

    status: str
    err_code: int


class Unit(Protocol):
    """One unit as an API stores it (the SMS API's `Part` is one, as it is)."""

    @property
    def message_id(self) -> str: ...
    @property
    def api_key(self) -> str: ...
    @property
    def to_msisdn(self) -> str: ...
    @property
    def sender(self) -> str: ...
    @property
    def parts(self) -> int: ...
    @property
    def encoding(self) -> str: ...
    @property
    def body(self) -> str: ...
    @property
    def udh(self) -> str | None: ...
    @property
    def status(self) -> str: ...
    @property
    def final(self) -> bool: ...


@dataclass(frozen=True)
class InboxEntry:
    """A whole message as the receiving handset (or the account renting the number) sees it."""

    to: str
    sender: str
    text: str
    encoding: str
    parts: int
    api_key: str | None
    reference: str
    udh: str | None = None
    # what a channel carrying more than text delivers as it was sent (the Messages API's
    # message type and its object: an image's URL and caption, a template's parameters, ...)
    content: Mapping[str, Any] | None = None


class ChannelStrategy(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def outcomes(self) -> tuple[str, ...]: ...  # the statuses a unit can end in
    @property
    def delivered(self) -> str: ...  # the one of them that reaches the handset

    def cut(self, content: Content) -> Cut: ...
    def timing(self, behaviour: Behaviour, now: float, validity_ms: int | None) -> Timing: ...
    def land(self, behaviour: Behaviour, expired: bool) -> Landing: ...
    def inbox_entry(self, units: Sequence[Unit]) -> InboxEntry: ...
    def to_account(self, tx: Tx, network: InboundServices, entry: InboxEntry) -> bool:
        """Hand the message to the account renting `entry.to`, if one does (True: it was,
        and that route recorded it on the number's inbox); False for an ordinary handset."""
        ...


@runtime_checkable
class AccountsAmong(Protocol):
    """A channel that can tell at once which destinations `to_account` may take (a batch of
    deliveries asks once); the others are ordinary handsets. Without it, every destination
    of a batch is handed over one by one."""

    def accounts_among(self, tx: Tx, msisdns: set[str]) -> set[str]: ...


class UnknownChannel(KeyError):
    pass


class Channels:
    """The registered channels, by name."""

    def __init__(self) -> None:
        self._by_name: dict[str, ChannelStrategy] = {}

    def register(self, strategy: ChannelStrategy) -> None:
        self._by_name[strategy.name] = strategy

    def unregister(self, name: str) -> None:
        self._by_name.pop(name, None)

    def get(self, name: str) -> ChannelStrategy:
        try:
            return self._by_name[name]
        except KeyError:
            raise UnknownChannel(name) from None

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name in self._by_name  # a JSON list is unhashable

    def names(self) -> list[str]:
        return sorted(self._by_name)


CHANNELS = Channels()
