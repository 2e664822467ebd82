"""The 422 problems a request body can earn, in the error table's words (reference 002,
1000-1484; the spec's Error* schemas give the same titles with older anchors)."""

from __future__ import annotations

from ringback.apis.messages.request import InvalidParameter, MessageInvalid

INVALID_PARAMS = 1150
INVALID_PARAMS_TITLE = "Invalid params"
INVALID_PARAMS_DETAIL = "The value of one or more parameters is invalid."
CHANNEL_PARAMS = 1410
CHANNEL_PARAMS_TITLE = "Invalid channel parameters"
CHANNEL_PARAMS_DETAIL = "The value of one or more parameters is invalid."


def _one(code: int, title: str, detail: str, name: str, reason: str) -> MessageInvalid:
    return MessageInvalid(code, title, detail, (InvalidParameter(name, reason),))


def unsupported_channel(name: str, reason: str) -> MessageInvalid:
    detail = "The channel specified in the request is not supported."
    return _one(1400, "Unsupported channel", detail, name, reason)


def invalid_message_type(name: str, reason: str) -> MessageInvalid:
    detail = "The message type specified in the request is not supported for the given channel."
    return _one(1440, "Invalid message type", detail, name, reason)


def invalid_recipient(name: str, reason: str) -> MessageInvalid:
    detail = "The `to` parameter is invalid for the given channel."
    return _one(1430, "Invalid recipient", detail, name, reason)


def invalid_sender(name: str, reason: str) -> MessageInvalid:
    detail = "The `from` parameter is invalid for the given channel."
    return _one(1420, "Invalid sender", detail, name, reason)


def invalid_client_ref(name: str, reason: str) -> MessageInvalid:
    detail = "The client reference can be a string of up to 100 characters."
    return _one(1450, "Invalid client reference", detail, name, reason)


def invalid_params(name: str, reason: str) -> MessageInvalid:
    return _one(INVALID_PARAMS, INVALID_PARAMS_TITLE, INVALID_PARAMS_DETAIL, name, reason)
