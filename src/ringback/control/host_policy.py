"""Which `Host` and `Origin` values name this Ringback (DNS-rebinding and cross-site defence).

A DNS-rebinding page reaches Ringback under the attacker's own host name, so the control API
answers only to names the user chose: loopback names, the `--host` address and the names given
with `--allowed-hosts`. An IP literal is accepted whatever it is (as Vite's dev server does):
rebinding needs a name, and a page can only send an IP literal as `Host` when that IP is its own
origin. An `Origin`, in contrast, must be a loopback or chosen name or the request's own host:
an IP literal there is just another site.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

UNSPECIFIED = frozenset({"0.0.0.0", "::", ""})
_NAME = re.compile(r"^\.?[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*$")


def normalise_name(name: str) -> str:
    return name.strip().lower().rstrip(".")


def parse_allowed_hosts(value: str | None) -> tuple[str, ...]:
    """`--allowed-hosts web,.test.internal` → names; a leading dot also allows subdomains."""
    names = [normalise_name(part) for part in (value or "").split(",")]
    names = [name for name in names if name]
    for name in names:
        if not _NAME.match(name):
            raise ValueError(f"{name!r} is not a host name (give names only, no port or scheme)")
    return tuple(names)


def host_name(host_header: str) -> str | None:
    """The name in a `Host` header (`name`, `name:port`, `[v6]:port`); None when unreadable."""
    value = host_header.strip()
    if value.startswith("["):
        end = value.find("]")
        if end < 0 or not _port_ok(value[end + 1 :]):
            return None
        return value[1:end].lower()
    if value.count(":") == 1:
        value, port = value.split(":")
        if not _port_ok(":" + port):
            return None
    return normalise_name(value) or None


def _port_ok(tail: str) -> bool:
    if tail == "":
        return True
    digits = tail[1:]
    return tail.startswith(":") and digits.isascii() and digits.isdigit() and int(digits) < 65536


def _ip(name: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(name)
    except ValueError:
        return None


def is_loopback(name: str) -> bool:
    """127.0.0.0/8, ::1 (also IPv4-mapped), `localhost` and `*.localhost` (RFC 6761)."""
    name = normalise_name(name).strip("[]")
    if name == "localhost" or name.endswith(".localhost"):
        return True
    ip = _ip(name)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip is not None and ip.is_loopback


@dataclass(frozen=True)
class HostPolicy:
    bound_host: str
    allowed_hosts: tuple[str, ...] = ()

    def _chosen(self, name: str) -> bool:
        if is_loopback(name):
            return True
        bound = normalise_name(self.bound_host).strip("[]")
        if bound not in UNSPECIFIED and name == bound:
            return True
        return any(_matches(name, allowed) for allowed in self.allowed_hosts)

    def host_allowed(self, host_header: str | None) -> bool:
        """No `Host` at all is not a browser (HTTP/1.0 tools): allowed."""
        if host_header is None:
            return True
        name = host_name(host_header)
        if name is None:
            return False
        return _ip(name) is not None or self._chosen(name)

    def origin_allowed(self, origin: str | None, host_header: str | None) -> bool:
        """Absent: not a cross-site browser request. `null` (sandboxed frames, file:// pages)
        is refused: it names no site that could be checked."""
        if origin is None:
            return True
        try:
            parts = urlsplit(origin.strip())
            hostname = parts.hostname
        except ValueError:
            return False
        if parts.scheme not in ("http", "https") or not hostname:
            return False
        if host_header is not None and parts.netloc.lower() == host_header.strip().lower():
            return True
        return self._chosen(normalise_name(hostname))


def _matches(name: str, allowed: str) -> bool:
    if allowed.startswith("."):
        return name == allowed[1:] or name.endswith(allowed)
    return name == allowed
