"""Credentials already verified, kept in memory so a request that repeats them runs no query.

Three bounded LRU maps, one per store: `(api_key, secret)` pairs found to match one of the
account's stored secrets (kept as a SHA-256 of the pair, never the secret itself), each
application's parsed public key, and application JWTs whose signature verified (by a SHA-256
of the token: its application, account and claims). Only positive answers are kept: a wrong
secret or a token that does not verify is checked in full every time. A cached token's times
are still checked on every request (platform/auth.py), on the clock as it reads then.

Invalidation is done by the repositories that change what an entry stands for, in the same
call: deleting a secret or an account forgets that account's pairs, keys and tokens; replacing
or deleting an application forgets its key and its tokens; a reset, a snapshot restore, a
rolled-back transaction and a failed group commit forget everything (rare, and then nothing
cached can be stale). Adding a secret needs nothing: it makes no cached answer wrong. Rows
(balances, settings) are never cached here: what a request needs of its account is read in
its own transaction.

One process owns the SQLite file (`server.lock`), so every change passes through here. A store
shared by several processes must not use this cache (`Tx.credentials` is then None).
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from ringback.state.store import Tx

SIZE = 4096


def _pair(api_key: str, secret: str) -> bytes:
    return hashlib.sha256(f"{api_key}\x00{secret}".encode(errors="surrogatepass")).digest()


def _token(token: str) -> bytes:
    return hashlib.sha256(token.encode(errors="surrogatepass")).digest()


class VerifiedToken(NamedTuple):
    """An application JWT whose signature verified against its application's key."""

    app_id: str
    api_key: str
    claims: dict[str, Any]


class CredentialCache:
    def __init__(self, size: int = SIZE) -> None:
        self.size = size
        self._pairs: OrderedDict[bytes, str] = OrderedDict()  # pair digest -> api_key
        self._keys: OrderedDict[str, tuple[str, Any]] = OrderedDict()  # app id -> (key, parsed)
        self._tokens: OrderedDict[bytes, VerifiedToken] = OrderedDict()  # token digest -> ...

    def verified(self, api_key: str, secret: str) -> bool:
        pair = _pair(api_key, secret)
        if pair in self._pairs:
            self._pairs.move_to_end(pair)
            return True
        return False

    def remember(self, api_key: str, secret: str) -> None:
        self._pairs[_pair(api_key, secret)] = api_key
        if len(self._pairs) > self.size:
            self._pairs.popitem(last=False)

    def application_key(self, app_id: str) -> tuple[str, Any] | None:
        """The application's api_key and parsed public key, if cached."""
        found = self._keys.get(app_id)
        if found is not None:
            self._keys.move_to_end(app_id)
        return found

    def remember_application(self, app_id: str, api_key: str, public_key: Any) -> None:
        self._keys[app_id] = (api_key, public_key)
        if len(self._keys) > self.size:
            self._keys.popitem(last=False)

    def verified_token(self, token: str) -> VerifiedToken | None:
        digest = _token(token)
        found = self._tokens.get(digest)
        if found is not None:
            self._tokens.move_to_end(digest)
        return found

    def remember_token(self, token: str, verified: VerifiedToken) -> None:
        self._tokens[_token(token)] = verified
        if len(self._tokens) > self.size:
            self._tokens.popitem(last=False)

    def forget_account(self, api_key: str) -> None:
        for pair in [p for p, key in self._pairs.items() if key == api_key]:
            del self._pairs[pair]
        for app_id in [a for a, (key, _) in self._keys.items() if key == api_key]:
            del self._keys[app_id]
        for digest in [d for d, token in self._tokens.items() if token.api_key == api_key]:
            del self._tokens[digest]

    def forget_application(self, app_id: str) -> None:
        self._keys.pop(app_id, None)
        for digest in [d for d, token in self._tokens.items() if token.app_id == app_id]:
            del self._tokens[digest]

    def clear(self) -> None:
        self._pairs.clear()
        self._keys.clear()
        self._tokens.clear()


def verified_token(tx: Tx, token: str) -> VerifiedToken | None:
    """The token, if its signature verified before and nothing it stands for changed since
    (None also where the store keeps no cache)."""
    return tx.credentials.verified_token(token) if tx.credentials is not None else None


def remember_token(tx: Tx, token: str, verified: VerifiedToken) -> None:
    if tx.credentials is not None:
        tx.credentials.remember_token(token, verified)
