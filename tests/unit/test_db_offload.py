"""The event loop never waits on the database: async code outside `state/` hands database work
to `store.run(...)` / `store.transact(...)` (a worker thread on PostgreSQL) and never opens a
transaction or calls the store's blocking methods itself. Checked on the source with `ast`;
the code of a plain function nested in an async one is what `run` executes, so it may."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import ringback

PACKAGE_ROOT = Path(ringback.__file__).parent
BLOCKING = {
    "begin",
    "get_meta",
    "set_meta",
    "reset",
    "migrate",
    "save_snapshot",
    "restore_snapshot",
    "list_snapshots",
    "delete_snapshot",
}


def _own_calls(function: ast.AsyncFunctionDef) -> Iterator[ast.Call]:
    """Calls in `function`'s own body, not in functions or lambdas defined inside it."""
    stack: list[ast.AST] = list(function.body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            continue
        if isinstance(node, ast.Call):
            yield node
        stack.extend(ast.iter_child_nodes(node))


def _store_call(call: ast.Call) -> str | None:
    """`…store.begin()` and the like: the method's name."""
    func = call.func
    if not isinstance(func, ast.Attribute) or func.attr not in BLOCKING:
        return None
    owner = func.value
    name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", None)
    return func.attr if name == "store" else None


def test_async_code_reaches_the_store_only_through_run() -> None:
    offences = []
    for path in sorted(PACKAGE_ROOT.rglob("*.py")):
        module = path.relative_to(PACKAGE_ROOT).with_suffix("").as_posix()
        if module.startswith("state/"):
            continue
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.AsyncFunctionDef):
                continue
            for call in _own_calls(node):
                method = _store_call(call)
                if method:
                    offences.append(f"{module}.py:{call.lineno} {node.name}: store.{method}()")
    assert offences == []


def test_the_check_sees_a_blocking_call() -> None:
    source = "async def handler(services):\n    with services.store.begin() as tx:\n        pass\n"
    function = ast.parse(source).body[0]
    assert isinstance(function, ast.AsyncFunctionDef)
    assert [_store_call(c) for c in _own_calls(function)] == ["begin"]
