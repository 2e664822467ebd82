"""What `ringback serve` checks and prepares before it serves; each problem is a StartupError.

Flag values Typer can check itself (port ranges, choices) are refused by the command; the rest
is here: credentials by the same rules the Account API applies, the data directory, the
database's directory, the price list, the listening sockets.
"""

from __future__ import annotations

import errno
import ipaddress
import resource
import socket
from pathlib import Path

from ringback.config import Settings
from ringback.core import private_files
from ringback.core.errors import InvalidParameters
from ringback.core.prices import PriceList, PriceListError
from ringback.core.secrets import secret_problems
from ringback.platform.provisioning import validate_api_key
from ringback.startup_errors import StartupError
from ringback.state.backend import is_postgres

# descriptors kept for the store, TLS files, webhook connections and the like
_RESERVED_FDS = 256


def check_settings(settings: Settings) -> None:
    if settings.api_key is not None:
        try:
            validate_api_key(settings.api_key)
        except InvalidParameters as exc:
            raise StartupError(f"--{exc.detail.replace('_', '-', 1)}") from None
    if settings.api_secret is not None:
        problems = secret_problems(settings.api_secret)
        if problems:
            raise StartupError(f"--api-secret is too weak: it {'; '.join(problems)}")
    database = settings.database
    if settings.workers > 1 and not (database and is_postgres(database)):
        raise StartupError(
            f"--workers {settings.workers} needs PostgreSQL (--database postgresql://...): "
            "on SQLite one process serves"
        )
    if database and "://" in database and not is_postgres(database):
        scheme = database.split("://", 1)[0]
        raise StartupError(
            f"--database: {scheme}:// is not supported; give a SQLite file, :memory: "
            "or a postgresql:// URL"
        )
    if database and database != ":memory:" and not is_postgres(database):
        path = Path(database)
        if path.is_dir():
            raise StartupError(f"--database {database} is a directory, not a file")
        if not path.parent.is_dir():
            raise StartupError(f"--database {database}: the directory {path.parent} does not exist")
    if settings.prices is not None:
        try:
            PriceList.load(settings.prices)
        except OSError as exc:
            raise StartupError(f"--prices {settings.prices}: {exc.strerror}") from None
        except (PriceListError, UnicodeDecodeError) as exc:
            raise StartupError(f"--prices {settings.prices}: {exc}") from None
        except (AttributeError, TypeError):  # valid JSON, but not shaped as a price list
            raise StartupError(
                f"--prices {settings.prices}: not a price list (a JSON object of prices)"
            ) from None


def prepare_data_dir(data_dir: Path) -> None:
    """The data directory exists (also for `:memory:`: TLS files and the lock live there)."""
    if data_dir.exists() and not data_dir.is_dir():
        raise StartupError(f"--data-dir {data_dir} is not a directory")
    try:
        private_files.prepare_data_dir(data_dir)
    except OSError as exc:
        raise StartupError(f"cannot create the data directory {data_dir}: {exc.strerror}") from None


def raise_fd_limit() -> int:
    """The soft limit on open files raised to the hard one; the limit now in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        target = 1 << 20 if hard == resource.RLIM_INFINITY else hard
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass
    return soft


def connections_per_listener(wanted: int, fd_limit: int) -> int:
    """`wanted`, or less if two listeners' worth would not fit in the open-files limit."""
    return max(16, min(wanted, (fd_limit - _RESERVED_FDS) // 2))


def bind(host: str, port: int, flag: str) -> socket.socket:
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        # IPPROTO_TCP explicitly: asyncio only sets TCP_NODELAY on sockets that say they are TCP
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    except OSError as exc:
        raise StartupError(f"cannot listen on --host {host}: {exc.strerror}") from None
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(2048)
    except socket.gaierror:
        sock.close()
        raise StartupError(f"--host {host} is not an address or a known host name") from None
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise StartupError(
                f"port {port} is in use; choose another with {flag} (or 0 for a free one)"
            ) from None
        if exc.errno == errno.EACCES:
            raise StartupError(
                f"port {port} needs privileges; choose another with {flag} (or 0 for a free one)"
            ) from None
        if exc.errno == errno.EADDRNOTAVAIL:
            raise StartupError(f"--host {host} is not an address of this machine") from None
        raise StartupError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    sock.set_inheritable(True)
    return sock


def is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address.split("%")[0]).is_loopback
    except ValueError:
        return False


def network_warning(bound: str) -> str | None:
    if is_loopback(bound):
        return None
    return (
        f"ringback: warning: listening on {bound}, not only this machine: the control API "
        "(/_ringback/) is reachable from the network and can change every account and "
        "credential; require a control token or bind 127.0.0.1 (--host)"
    )


def url_host(address: str) -> str:
    """An address as it goes in a URL (IPv6 in brackets); a wildcard as this machine."""
    if address in ("0.0.0.0", ""):
        return "127.0.0.1"
    if address == "::":
        return "[::1]"
    return f"[{address}]" if ":" in address else address
