"""One server per data directory: an exclusive `flock` on `<data-dir>/server.lock`.

Taken before anything else opens the directory's files and held for the life of the process
(the kernel releases it when the process ends, however it ends). A second `ringback serve` on
the same directory is told who holds it and stops, without touching the first one's files.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from pathlib import Path
from typing import IO

from ringback.startup_errors import StartupError

LOCK_FILE = "server.lock"
RUNTIME_FILE = "server.json"


class ServerLock:
    def __init__(self, handle: IO[str]) -> None:
        self._handle = handle

    @classmethod
    def acquire(cls, data_dir: Path) -> ServerLock:
        path = data_dir / LOCK_FILE
        try:
            handle = path.open("a+")
        except OSError as exc:
            raise StartupError(
                f"cannot write to the data directory {data_dir}: {exc.strerror}"
            ) from exc
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise StartupError(_held_message(data_dir)) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        return cls(handle)

    def release(self) -> None:
        with contextlib.suppress(OSError):
            fcntl.flock(self._handle, fcntl.LOCK_UN)
        self._handle.close()


def _held_message(data_dir: Path) -> str:
    stop = f"is serving {data_dir}; stop it or use --data-dir"
    try:
        info = json.loads((data_dir / RUNTIME_FILE).read_text())
        return (
            f"another Ringback (pid {info['pid']}, http {info['http_port']}, "
            f"https {info['https_port']}) {stop}"
        )
    except (OSError, ValueError, KeyError, TypeError):
        pass
    try:
        pid = int((data_dir / LOCK_FILE).read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return f"another Ringback {stop}"
    return f"another Ringback (pid {pid}, still starting: no ports yet) {stop}"
