"""A copy of src/ with Ringback's hot modules compiled by mypyc, for measuring what compiling
would gain (bench/README.md, "s14-mypyc: what compiling would gain").

    .venv/bin/python bench/compile_hot.py OUT [--only send,landing,dispatch] [--opt 3]

OUT receives `ringback/` (every module as source, the hot ones also as a compiled extension,
which Python imports first) and mypyc's runtime library, so that
`PYTHONPATH=OUT .venv/bin/python bench/sms_inproc.py` and `bench/sms_run.py --src OUT` run the
compiled code. The worktree's src/ is never written to. Needs gcc and the Python headers.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"

# Chosen from a py-spy and a cProfile of bench/sms_inproc.py (pure Python): Ringback's own
# modules with self time on the send, landing and dispatch paths, and the small ones they
# call per message. Modules left out, and why, are in EXCLUDED.
HOT: dict[str, list[str]] = {
    "send": [
        "apis/endpoint.py",
        "apis/sms/routes.py",
        "apis/sms/service.py",
        "apis/sms/schemas.py",
        "apis/sms/wire.py",
        "core/request_params.py",
        "core/money.py",
        "core/ids.py",
        "core/prices.py",
        "core/clock.py",
        "core/wakeup.py",
        "core/changes.py",
        "core/responses.py",
        "fast_paths.py",
        "platform/auth.py",
        "platform/billing.py",
        "network/sms_encoding.py",
        "network/behaviours.py",
        "state/prepared.py",
        "state/credential_cache.py",
        "state/commit_group.py",
        "state/sms_parts.py",
        "state/jobs.py",
        "state/charges.py",
        "state/accounts.py",
        "state/behaviours.py",
        "state/behaviour_cache.py",
    ],
    "landing": [
        "scheduler/runner.py",
        "network/delivery/pipeline.py",
        "network/delivery/sms.py",
        "network/handsets.py",
        "apis/sms/receipts.py",
        "state/handsets.py",
        "state/numbers.py",
        "webhooks/outbox.py",
        "state/webhook_deliveries.py",
    ],
    "dispatch": [
        "webhooks/dispatcher.py",
        "webhooks/sender.py",
        "webhooks/http1.py",
        "webhooks/attempts.py",
        "webhooks/wire.py",
        "state/webhook_attempts.py",
    ],
}

EXCLUDED: dict[str, str] = {
    # compiled, `endpoint()` returns a callable object, not a function, so Starlette's `Route`
    # takes it for an ASGI app and calls it with (scope, receive, send): every route the fast
    # paths do not take (those with path parameters, e.g. Messages PATCH) fails with TypeError
    "apis/endpoint.py": "Starlette routes its closures as ASGI apps",
    # its `instr(GenericFunction)` (a SQLAlchemy subclass with class attributes: mypyc warns
    # "Unsupported default attribute value") segfaults in SQLAlchemy's `__gt__` (the delivery
    # history's URL filter)
    "state/webhook_deliveries.py": "segfault in a SQLAlchemy subclass",
}

# SQLAlchemy's types are skipped (its objects are Any to mypyc): compiled code checks declared
# types at run time, and SQLAlchemy 2's stubs type a `Row` as a tuple, which it is not
# ("TypeError: tuple object expected; got sqlalchemy.engine.row.Row"). Not strict: the
# project's own mypy run is; here the types only guide the compiler.
MYPY_CONFIG = """\
[mypy]
python_version = 3.11
warn_unused_ignores = False

[mypy-sqlalchemy.*]
follow_imports = skip
ignore_missing_imports = True

[mypy-gsm0338.*,pycountry.*,mobile_codes.*,limits.*,jsonschema.*]
ignore_missing_imports = True
"""

SETUP = """\
import sys
from setuptools import setup
from mypyc.build import mypycify

modules = sys.argv[1].split(",")
opt = sys.argv[2]
setup(
    name="ringback-hot",
    ext_modules=mypycify(["--config-file", "mypy.ini", *modules], opt_level=opt),
    script_args=["build_ext", "--inplace", "--parallel", "2"],
)
"""


def modules_for(groups: list[str]) -> list[str]:
    chosen = [m for g in groups for m in HOT[g]]
    return [f"ringback/{m}" for m in chosen if m not in EXCLUDED]


def build(out: Path, modules: list[str], opt: str) -> None:
    if out.resolve() == SRC.resolve() or SRC.resolve() in out.resolve().parents:
        raise SystemExit("OUT must not be inside src/")
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(
        SRC / "ringback", out / "ringback", ignore=shutil.ignore_patterns("__pycache__")
    )
    (out / "mypy.ini").write_text(MYPY_CONFIG)
    (out / "setup_hot.py").write_text(SETUP)
    started = time.monotonic()
    env = {**os.environ, "PYTHONPATH": str(out)}
    subprocess.run(
        [sys.executable, "setup_hot.py", ",".join(modules), opt],
        cwd=out,
        env=env,
        check=True,
    )
    built = sorted(p.relative_to(out) for p in (out / "ringback").rglob("*.so"))
    print(f"built {len(built)} extensions in {time.monotonic() - started:.0f} s into {out}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--only", default="send,landing,dispatch", help="groups of HOT")
    parser.add_argument("--opt", default="3", choices=["0", "1", "2", "3"])
    args = parser.parse_args()
    build(args.out, modules_for(args.only.split(",")), args.opt)


if __name__ == "__main__":
    main()
