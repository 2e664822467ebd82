"""Private files: created 0600 (dirs 0700) whatever the umask, never chmod-ed into privacy."""

from __future__ import annotations

import logging
import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ringback.core.private_files import make_private_dir, prepare_data_dir, write_private
from ringback.core.tls import ensure_tls
from ringback.state.sqlite import SqliteStore

# os.chmod calls, recorded into the list on top; audit hooks cannot be removed, so this one
# records only while a test holds it open
_recording: list[list[str]] = []


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _recording and event in ("os.chmod", "os.fchmod"):
        _recording[-1].append(str(args[0]))


sys.addaudithook(_audit)


@pytest.fixture
def chmods() -> Iterator[list[str]]:
    seen: list[str] = []
    _recording.append(seen)
    yield seen
    _recording.remove(seen)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The loosest umask: a file not created with its own mode would come out 0666."""
    old = os.umask(0)
    yield
    os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def modes(directory: Path) -> dict[str, int]:
    found = {".": mode(directory)}
    for path in directory.rglob("*"):
        found[str(path.relative_to(directory))] = mode(path)
    return found


@pytest.mark.usefixtures("open_umask")
def test_written_files_are_created_0600_without_a_chmod(tmp_path: Path, chmods: list[str]) -> None:
    target = tmp_path / "data" / "credentials.json"
    write_private(target, '{"api_key": "k"}')
    assert target.read_text() == '{"api_key": "k"}'
    assert mode(target) == 0o600
    assert mode(target.parent) == 0o700
    assert chmods == []
    assert [p.name for p in target.parent.iterdir()] == ["credentials.json"]  # no temp left


@pytest.mark.usefixtures("open_umask")
def test_rewriting_a_loose_file_leaves_it_private(tmp_path: Path, chmods: list[str]) -> None:
    target = tmp_path / "server.json"
    target.write_text("old")
    os.chmod(target, 0o644)
    assert chmods == [str(target)]  # the hook sees a chmod
    chmods.clear()
    write_private(target, b"new")
    assert (target.read_text(), mode(target)) == ("new", 0o600)
    assert chmods == []


@pytest.mark.usefixtures("open_umask")
def test_tls_files_and_the_sqlite_family_are_private_under_any_umask(
    tmp_path: Path, chmods: list[str]
) -> None:
    data = tmp_path / "data"
    make_private_dir(data)
    ensure_tls(data, "127.0.0.1")
    store = SqliteStore(str(data / "ringback.db"), snapshot_dir=data / "snapshots")
    try:
        store.migrate()
        store.set_meta("clock", "{}")
        store.save_snapshot("before")
        found = modes(data)
    finally:
        store.close()
    assert {"ringback.db-wal", "ringback.db-shm", "snapshots/before.db", "ca-key.pem"} <= set(found)
    assert {name: m for name, m in found.items() if m not in (0o600, 0o700)} == {}
    assert found["."] == found["snapshots"] == 0o700
    assert chmods == []


def test_an_older_loose_data_dir_is_tightened_once_and_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    data = tmp_path / "data"
    (data / "snapshots").mkdir(parents=True)
    for name in ("ringback.db", "ca.pem", "snapshots/s.db"):
        (data / name).write_text("x")
        os.chmod(data / name, 0o644)
    os.chmod(data / "snapshots", 0o755)
    os.chmod(data, 0o755)
    with caplog.at_level(logging.WARNING, logger="ringback"):
        prepare_data_dir(data)
    assert modes(data) == {
        ".": 0o700,
        "snapshots": 0o700,
        "ringback.db": 0o600,
        "ca.pem": 0o600,
        "snapshots/s.db": 0o600,
    }
    assert [r.message for r in caplog.records if "readable by others" in r.message]
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="ringback"):
        prepare_data_dir(data)
    assert caplog.records == []


def test_a_symlink_in_the_data_dir_is_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "shared.txt"
    outside.write_text("not ours")
    os.chmod(outside, 0o644)
    data = tmp_path / "data"
    data.mkdir()
    (data / "link").symlink_to(outside)
    prepare_data_dir(data)
    assert mode(outside) == 0o644


@pytest.mark.usefixtures("open_umask")
def test_a_new_data_dir_is_0700(tmp_path: Path) -> None:
    prepare_data_dir(tmp_path / "a" / "data")
    assert mode(tmp_path / "a" / "data") == 0o700
