"""Reading a POST /v1/messages body: `read_message(document)` → `MessageRequest`, or
`MessageInvalid` (the 422 Vonage answers). One module per channel, the shared field readers
in `fields.py`, the order of the checks in `read.py`."""

from __future__ import annotations

from ringback.apis.messages.validation.read import read_message

__all__ = ["read_message"]
