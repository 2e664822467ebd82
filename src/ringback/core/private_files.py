"""The data directory is private: the directory 0700, every file in it 0600.

Files are created with their mode (never written first and narrowed afterwards), so no file
is ever readable by others, not even for a moment. What SQLite creates itself (the database,
its -wal and -shm) follows the process umask, which `ringback serve` sets to 0o077; and the
database file is created here first, so SQLite gives its -wal and -shm the same 0600.
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
import tempfile
from pathlib import Path

log = logging.getLogger("ringback")

DIR_MODE = 0o700
FILE_MODE = 0o600
UMASK = 0o077


def restrict_umask() -> None:
    """For the whole process: whatever a library creates is private too."""
    os.umask(UMASK)


def make_private_dir(path: Path) -> None:
    """Create `path` (and missing parents) with mode 0700; an existing one is left as it is."""
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)


def create_private_file(path: Path) -> None:
    """Create an empty file with mode 0600 unless it exists."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))


def private_temp_file(path: Path) -> Path:
    """A new empty 0600 file next to `path` (mkstemp creates it with that mode)."""
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    return Path(name)


def write_private(path: Path, data: bytes | str) -> None:
    """Replace `path` atomically with `data`, mode 0600: a reader sees the old or the new file."""
    make_private_dir(path.parent)
    content = data.encode() if isinstance(data, str) else data
    temp = private_temp_file(path)
    try:
        with temp.open("wb") as file:
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        temp.replace(path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def tighten(directory: Path) -> list[Path]:
    """Narrow what an older Ringback left readable by others: dirs to 0700, files to 0600.

    Symlinks are not followed. Returns what was changed, so the caller can say so once.
    """
    if not directory.is_dir():
        return []
    changed: list[Path] = []

    def narrow(path: Path, mode: int) -> None:
        current = stat.S_IMODE(path.lstat().st_mode)
        if current & ~mode:
            os.chmod(path, current & mode)
            changed.append(path)

    narrow(directory, DIR_MODE)
    for root, dirs, files in os.walk(directory):
        for name in dirs:
            if not (Path(root) / name).is_symlink():
                narrow(Path(root) / name, DIR_MODE)
        for name in files:
            if not (Path(root) / name).is_symlink():
                narrow(Path(root) / name, FILE_MODE)
    return changed


def prepare_data_dir(directory: Path) -> None:
    """Create the data directory private, or tighten one made by an older Ringback (logged)."""
    changed = tighten(directory)
    if changed:
        log.warning(
            "data directory %s was readable by others: narrowed %d entries to 0700/0600",
            directory,
            len(changed),
        )
    make_private_dir(directory)
