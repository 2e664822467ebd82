"""Application key pairs: RS256 JWTs are signed with the private key, checked with the public one.

Vonage generates an RSA 2048 pair when no public key is supplied and shows the private key (as
PKCS#8 PEM, `-----BEGIN PRIVATE KEY-----`) once, in the answer to the create call; it keeps only
the public key. Ringback does the same.
"""

from __future__ import annotations

import queue
import threading
from concurrent.futures import ThreadPoolExecutor

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

KEY_BITS = 2048


class InvalidPublicKey(ValueError):
    pass


def generate_key_pair() -> tuple[str, str]:
    """A new (private PEM, public PEM) pair."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    private_pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")
    return private_pem, _public_pem(private.public_key())


class KeyPairPool:
    """Key pairs made ahead of time on a worker thread.

    Generating an RSA 2048 pair takes ~40 ms of CPU; done inside a request it would stall the
    event loop and every other request with it. OpenSSL releases the GIL while it works, so a
    worker thread keeps a few pairs ready; only when they run out (a burst of creates) is a
    pair made inline.
    """

    def __init__(self, size: int = 4) -> None:
        self.size = size
        self._ready: queue.SimpleQueue[tuple[str, str]] = queue.SimpleQueue()
        self._pending = 0
        self._lock = threading.Lock()
        self._worker = ThreadPoolExecutor(1, thread_name_prefix="ringback-keys")

    def take(self) -> tuple[str, str]:
        try:
            pair = self._ready.get_nowait()
        except queue.Empty:
            pair = generate_key_pair()
        self._refill()
        return pair

    def _refill(self) -> None:
        with self._lock:
            while self._ready.qsize() + self._pending < self.size:
                self._pending += 1
                self._worker.submit(self._make)

    def _make(self) -> None:
        pair = generate_key_pair()
        with self._lock:
            self._pending -= 1
        self._ready.put(pair)


key_pairs = KeyPairPool()


def normalise_public_key(text: str) -> str:
    """The key as SubjectPublicKeyInfo PEM; PKCS#1 (`RSA PUBLIC KEY`) input is accepted too."""
    try:
        key = serialization.load_pem_public_key(text.strip().encode("utf-8"))
    except (ValueError, TypeError, UnicodeEncodeError) as exc:
        raise InvalidPublicKey("must be a PEM encoded public key") from exc
    if not isinstance(key, rsa.RSAPublicKey):
        # application JWTs are RS256, so only an RSA key can ever verify one
        raise InvalidPublicKey("must be an RSA public key")
    return _public_pem(key)


def _public_pem(key: rsa.RSAPublicKey) -> str:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")
