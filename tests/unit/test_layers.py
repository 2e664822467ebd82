"""The architecture's two boundaries, checked on the source with `ast`.

1. SQL lives in `state/`: no module outside it imports a database driver or SQLAlchemy, the
   tables or the migrations, runs a statement (`.execute(`, `exec_driver_sql(`) or opens the
   `Tx` (`tx.conn`).
2. Floors import only downward: core → state → platform → scheduler, webhooks → network →
   apis → control → cli, testing, app, server. `config` is a leaf anyone may import;
   `testing/` may import anything. Imports under `if TYPE_CHECKING:` count too.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import ringback

PACKAGE_ROOT = Path(ringback.__file__).parent

FLOORS: dict[str, int] = {
    "core": 0,
    "state": 1,
    # the NCCO engine: pure, on core's floor in effect (it may import core and nothing else
    # of ours; core and state do not import it)
    "ncco": 1,
    "platform": 2,
    "scheduler": 3,
    "webhooks": 3,
    "network": 4,
    "apis": 5,
    "control": 6,
    "cli": 7,
    "testing": 7,
    "app": 7,
    "fast_paths": 7,
    "server": 7,
    # the server process around the app: limits, lock, start-up checks, access log
    "access_log": 7,
    "connection_guard": 7,
    "server_lock": 7,
    "startup": 7,
    "startup_errors": 7,
    # many workers (--workers N): the supervisor process, and what a worker shares
    "supervisor": 7,
    "cluster": 7,
}
TOP = max(FLOORS.values())
LEAVES = {"config", "data", "__init__"}

SQL_MODULES = ("sqlalchemy", "sqlite3", "psycopg", "psycopg2", "alembic")
STATE_INTERNALS = ("ringback.state.tables", "ringback.state.migrations")
SQL_CALLS = {"execute", "exec_driver_sql"}


def _modules(root: Path) -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root.parent).with_suffix("").parts
        yield ".".join(parts), ast.parse(path.read_text(), filename=str(path))


def _imports(module: str, tree: ast.Module) -> Iterator[tuple[int, str]]:
    """What each import names, as a dotted path (`from a import b` → a.b: b may be a module).

    `module` is the importing file's dotted path (`ringback.core.x`, `ringback.core.__init__`).
    """
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = module.split(".")[: -node.level]
                base = ".".join([*package, base] if base else package)
            for alias in node.names:
                yield node.lineno, base if alias.name == "*" else f"{base}.{alias.name}"


def _package(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def sql_outside_state(root: Path = PACKAGE_ROOT) -> list[str]:
    found = []
    for module, tree in _modules(root):
        if _package(module) == "state":
            continue
        for line, name in _imports(module, tree):
            if any(_within(name, m) for m in (*SQL_MODULES, *STATE_INTERNALS)):
                found.append(f"{module}:{line} imports {name}")
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in SQL_CALLS
            ):
                found.append(f"{module}:{node.lineno} calls .{node.func.attr}(")
            if isinstance(node, ast.Attribute) and node.attr == "conn":
                found.append(f"{module}:{node.lineno} reads .conn (a Tx is opaque outside state/)")
    return sorted(set(found))


def upward_imports(root: Path = PACKAGE_ROOT) -> list[str]:
    found = []
    for module, tree in _modules(root):
        package = _package(module)
        if package in LEAVES and package != "__init__":
            floor = -1  # a leaf imports nothing of ours
        elif package == "__init__" or package == "testing":
            continue
        else:
            assert package in FLOORS, f"{module} is in no floor: add {package!r} to FLOORS"
            floor = FLOORS[package]
        for line, name in _imports(module, tree):
            if not _within(name, "ringback") or name == "ringback":
                continue
            target = _package(name)
            if target == package or target in LEAVES or target not in FLOORS:
                continue
            if FLOORS[target] < floor or (floor == TOP and FLOORS[target] == TOP):
                continue
            found.append(f"{module}:{line} ({package}, floor {floor}) imports {name}")
    return sorted(set(found))


def test_sql_lives_in_state_only() -> None:
    found = sql_outside_state()
    assert not found, "SQL outside ringback.state:\n" + "\n".join(found)


def test_floors_import_only_downward() -> None:
    found = upward_imports()
    assert not found, "upward imports:\n" + "\n".join(found)


def test_the_checks_find_planted_violations(tmp_path: Path) -> None:
    """Guards against checks that pass because they look at nothing."""
    root = tmp_path / "ringback"
    (root / "core").mkdir(parents=True)
    (root / "state").mkdir()
    (root / "core" / "planted.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "import sqlite3\n"
        "from ringback.state import tables\n"
        "from .. import control\n"
        "if TYPE_CHECKING:\n"
        "    from ringback.apis.services import Services\n"
        "def f(conn):\n"
        "    conn.exec_driver_sql('SELECT 1')\n"
        "def g(tx):\n"
        "    return tx.conn\n"
    )
    (root / "state" / "fine.py").write_text("import sqlalchemy\nfrom ringback.core import x\n")

    sql = "\n".join(sql_outside_state(root))
    assert "ringback.core.planted:2 imports sqlite3" in sql
    assert "ringback.core.planted:3 imports ringback.state.tables" in sql
    assert "ringback.core.planted:8 calls .exec_driver_sql(" in sql
    assert "ringback.core.planted:10 reads .conn" in sql
    assert "state.fine" not in sql

    upward = "\n".join(upward_imports(root))
    assert "ringback.core.planted:3 (core, floor 0) imports ringback.state.tables" in upward
    assert "ringback.core.planted:4 (core, floor 0) imports ringback.control" in upward
    assert "ringback.core.planted:6 (core, floor 0) imports ringback.apis.services" in upward
    assert "state.fine" not in upward
