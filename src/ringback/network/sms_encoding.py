"""How an SMS text travels: GSM-7 or UCS-2, and into how many parts.

One SMS carries 140 bytes: 160 GSM-7 septets or 70 UCS-2 code units. A concatenated message
loses 6 bytes per part to the UDH, leaving 153 septets or 67 code units. Characters of the GSM
extension table (`| ^ € { } [ ] ~ \\` and the form feed) take an escape plus the character, two
septets, and a part never ends between the two. UCS-2 here is UTF-16: a character outside the
BMP (most emoji) takes two code units and a part never ends inside the pair.
(`gsm0338` is the GSM 03.38 codec; Vonage's concatenation guide gives the figures.)

GSM-7 asked for (the SMS API's `type=text`) is not a preference: a character GSM-7 cannot carry,
in neither the basic nor the extension table, reaches the handset as `?` (one per code point,
so an emoji is one `?`), and the message is counted and charged as the GSM-7 text it became.
Only UCS-2 carries such text intact (Vonage support, "What encoding standards does Vonage
support?": with `type` `text` "characters within the message are encoded using GSM-7").
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import gsm0338  # noqa: F401  (registers the "gsm03.38" codec)

SINGLE_GSM = 160
PART_GSM = 153
SINGLE_UCS2 = 70
PART_UCS2 = 67
SINGLE_BYTES = 140
PART_BYTES = 134
MAX_TEXT_CHARACTERS = 3200  # what the SMS API accepts (vonage-behaviours §3.2)
UNSENDABLE = "?"  # what a handset shows for a character GSM-7 cannot carry


class Encoding(enum.Enum):
    GSM7 = "text"
    UCS2 = "unicode"
    BINARY = "binary"


@dataclass(frozen=True)
class Segments:
    encoding: Encoding
    parts: tuple[str, ...]

    @property
    def count(self) -> int:
        return len(self.parts)


@lru_cache(maxsize=4096)  # a pure function of one character, asked twice per character sent
def gsm_septets(char: str) -> int | None:
    """2 for an extension-table character, 1 for a basic one, None if GSM-7 cannot carry it.
    ESC (0x1B) is the escape to the extension table, not a character: the codec takes it, but
    a handset would read it with the next character as one extension character."""
    if char == "\x1b":
        return None
    try:
        return len(char.encode("gsm03.38"))
    except UnicodeEncodeError:
        return None


def _decoded(raw: bytes) -> str:
    try:
        return raw.decode("gsm03.38")
    except UnicodeDecodeError:
        return ""


# every character GSM-7 carries, and those of them that take two septets: what the codec
# decodes from a byte or an escaped byte (it can encode nothing else), as `gsm_septets` counts
# them. Set operations on these replace a codec call per character of every text sent.
_CANDIDATES = {_decoded(bytes([n])) for n in range(256)} | {
    _decoded(bytes([0x1B, n])) for n in range(256)
}
GSM7_CHARACTERS = frozenset(c for c in _CANDIDATES if len(c) == 1 and gsm_septets(c) is not None)
GSM7_DOUBLE = tuple(sorted(c for c in GSM7_CHARACTERS if gsm_septets(c) == 2))


def is_gsm7(text: str) -> bool:
    return GSM7_CHARACTERS.issuperset(text)


def gsm7_length(text: str) -> int | None:
    """The septets `text` takes in GSM-7, None if GSM-7 cannot carry it."""
    if not GSM7_CHARACTERS.issuperset(text):
        return None
    return len(text) + sum(map(text.count, GSM7_DOUBLE))


def as_gsm7(text: str) -> str:
    """The text a handset reads when `text` is sent as GSM-7: every character GSM-7 cannot
    carry becomes `?`; extension-table characters arrive intact."""
    if is_gsm7(text):
        return text
    return "".join(c if gsm_septets(c) is not None else UNSENDABLE for c in text)


def utf16_units(char: str) -> int:
    return 2 if ord(char) > 0xFFFF else 1


def _gsm_cost(char: str) -> int:
    return gsm_septets(char) or 1


def _pack(text: str, cost: Callable[[str], int], single: int, part: int) -> tuple[str, ...]:
    if sum(cost(c) for c in text) <= single:
        return (text,)
    parts: list[str] = []
    current: list[str] = []
    used = 0
    for char in text:
        weight = cost(char)
        if used + weight > part:
            parts.append("".join(current))
            current, used = [], 0
        current.append(char)
        used += weight
    parts.append("".join(current))
    return tuple(parts)


def segment_text(text: str, requested: Encoding | None = None) -> Segments:
    """The parts of a text message, as the handset will read them. `requested` UCS2 forces
    unicode; GSM7 (the SMS API's `type=text`) forces GSM-7, each character it cannot carry
    becoming `?`; None (a handset's own phone, the Messages API's `auto`) picks GSM-7 when
    every character fits and UCS-2 otherwise."""
    if requested is Encoding.GSM7:
        text = as_gsm7(text)
    septets = gsm7_length(text) if requested is not Encoding.UCS2 else None
    if septets is not None:
        if septets <= SINGLE_GSM:  # what `_pack` finds first, without a call per character
            return Segments(Encoding.GSM7, (text,))
        return Segments(Encoding.GSM7, _pack(text, _gsm_cost, SINGLE_GSM, PART_GSM))
    return Segments(Encoding.UCS2, _pack(text, utf16_units, SINGLE_UCS2, PART_UCS2))


def segment_binary(body: bytes, udh: bytes = b"") -> Segments:
    """Binary messages: the body (hex on the wire) split so each part fits with its UDH."""
    room = SINGLE_BYTES - len(udh)
    if room <= 0:
        return Segments(Encoding.BINARY, ())
    if len(body) <= room:
        return Segments(Encoding.BINARY, (body.hex(),))
    per_part = room - (SINGLE_BYTES - PART_BYTES)
    if per_part <= 0:  # the UDH leaves no room for a concatenation header and data
        return Segments(Encoding.BINARY, ())
    chunks = [body[i : i + per_part] for i in range(0, len(body), per_part)]
    return Segments(Encoding.BINARY, tuple(c.hex() for c in chunks))
