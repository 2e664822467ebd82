"""`to` and `from` per channel. Each check returns the reason a value is refused, or None.

Numbers are E.164 digits without `+` or `00` (the spec's ToNumber: 7-15 digits; the Python
SDK's `PhoneNumber`: `^[1-9]\\d{6,14}$`). Messenger uses page-scoped ids (1-50 characters),
Viber and RCS name their sender by an id, WhatsApp may address a user by a BSUID
(`US.13491208655302741918`, the Python SDK's `BaseWhatsapp.to`).
"""

from __future__ import annotations

import re
from collections.abc import Callable

Check = Callable[[object], "str | None"]

E164 = re.compile(r"[1-9][0-9]{6,14}")
BSUID = re.compile(r"[A-Z]{2}\.[0-9A-Za-z]{1,64}")
DIGITS = re.compile(r"[1-9][0-9]{0,14}")
ALPHANUMERIC_SENDER = re.compile(r"[A-Za-z0-9 ._&'-]{1,11}")
RCS_AGENT = re.compile(r"[A-Za-z0-9_&-]+")

MISSING = "is required."
NOT_A_STRING = "Must be a string."
NOT_E164 = (
    "Must be a number in E.164 format without a leading `+` or `00`, 7 to 15 digits "
    "starting with the country code, e.g. 447700900000."
)


def e164(value: object) -> str | None:
    if value is None:
        return MISSING
    if not isinstance(value, str):
        return NOT_A_STRING
    return None if E164.fullmatch(value) else NOT_E164


def whatsapp_recipient(value: object) -> str | None:
    if isinstance(value, str) and BSUID.fullmatch(value):
        return None
    return e164(value)


def page_id(value: object) -> str | None:
    """Messenger `to`/`from` and the Viber service id: 1-50 characters."""
    if value is None:
        return MISSING
    if not isinstance(value, str):
        return NOT_A_STRING
    if not 1 <= len(value) <= 50 or value.strip() != value or not value:
        return "Must be an id of 1 to 50 characters."
    return None


def sms_sender(value: object) -> str | None:
    """A number (long, short or toll-free: up to 15 digits) or an alphanumeric sender id of up
    to 11 characters, where the destination country allows one."""
    if value is None:
        return MISSING
    if not isinstance(value, str):
        return NOT_A_STRING
    if value.startswith("+") or value.startswith("00"):
        return NOT_E164
    if value.isascii() and value.isdigit():
        return None if DIGITS.fullmatch(value) else NOT_E164
    if ALPHANUMERIC_SENDER.fullmatch(value):
        return None
    return (
        "Must be a number in E.164 format without a leading `+` or `00`, or an alphanumeric "
        "sender id of up to 11 characters."
    )


def number_sender(value: object) -> str | None:
    """MMS and WhatsApp send from a number: long, short code or toll-free, without `+`."""
    if value is None:
        return MISSING
    if not isinstance(value, str):
        return NOT_A_STRING
    return None if DIGITS.fullmatch(value) else NOT_E164


def rcs_agent(value: object) -> str | None:
    if value is None:
        return MISSING
    if not isinstance(value, str):
        return NOT_A_STRING
    if not RCS_AGENT.fullmatch(value):
        return "Must be the RCS agent's sender id: letters, digits, `-`, `_` or `&`, no spaces."
    return None
