"""Text that PostgreSQL can hold: a NUL character becomes U+FFFD on its way in.

PostgreSQL's text types cannot contain NUL (psycopg refuses the value before it is sent),
while SQLite stores it. A `%00` in a form field or a query value is data a client can send to
any API (`/account/get-balance?api_key=%00`), and each API already answers it as the value it
is (no such key, an invalid number, ...); on PostgreSQL that answer became a 500. Replacing the
character where the value is bound keeps every API's own answer on both backends: a lookup of
the replaced text finds nothing, as the original would have. JSON bodies never get this far
(`core/json_input.py` refuses a NUL by name).
"""

from __future__ import annotations

from typing import Any

from psycopg import Connection
from psycopg.types.string import StrDumperUnknown

NUL = "\x00"
REPLACEMENT = "\ufffd"


class NulSafeText(StrDumperUnknown):
    def dump(self, obj: str) -> Any:
        return super().dump(obj.replace(NUL, REPLACEMENT) if NUL in obj else obj)


def adapt(connection: Connection[Any]) -> None:
    connection.adapters.register_dumper(str, NulSafeText)
