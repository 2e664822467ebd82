"""Summarise a py-spy raw profile (`py-spy record -f raw`): where the samples went.

    .venv/bin/python bench/profile_summary.py FILE.txt [--top 25] [--focus FUNCTION]

Prints the share of samples per function, inclusive (the function or anything it called is
on the stack) and self (the function is the innermost frame), and the share per *path*: which
of Ringback's loops a sample belongs to (an API request, the webhook dispatcher, the
scheduler's jobs, the HTTP server outside the handlers, or something else), found by the first
Ringback frame from the bottom of the stack. `--focus` restricts everything to samples whose
stack contains that function. The frames every sample shares (the CLI, the event loop's run)
are left out of the inclusive list.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path
from typing import Any

# frame text as py-spy writes it: "function (path/to/file.py:line)"
FRAME = re.compile(r"^(?P<function>.*?) \((?P<file>.*?)(?::(?P<line>\d+))?\)$")
# the first Ringback frame from the bottom of the stack (outside the CLI and the ASGI app
# wrapper) decides the path: (path name, file prefix)
PATHS = [
    ("API requests (endpoint: parse, auth, handler, commit)", "ringback/apis/endpoint.py"),
    ("API requests (endpoint: parse, auth, handler, commit)", "ringback/apis/"),
    ("scheduler jobs (SMS delivery, receipts enqueued)", "ringback/scheduler/"),
    ("webhook dispatcher (receipts sent, attempts recorded)", "ringback/webhooks/"),
    ("control API", "ringback/control/"),
]
OUTER = ("ringback/cli/", "ringback/app.py", "ringback/server.py")
FRAMEWORK = ("uvicorn/", "starlette/", "httptools/", "h11/")
ROOT = ("typer/", "<frozen runpy>", "ringback/cli/", "uvloop/__init__.py", "asyncio/runners.py")


def parse(path: Path) -> list[tuple[list[tuple[str, str]], int]]:
    """[(frames from outermost to innermost as (function, short file)), count]."""
    stacks = []
    for line in path.read_text().splitlines():
        body, _, count = line.rpartition(" ")
        if not body or not count.isdigit():
            continue
        frames = []
        for text in body.split(";"):
            match = FRAME.match(text.strip())
            if match is None:
                frames.append((text.strip(), ""))
                continue
            file = match["file"]
            for marker in ("site-packages/", "lib/python3.11/"):
                if marker in file:
                    file = file.split(marker, 1)[1]
            if "/src/" in file:
                file = file.split("/src/", 1)[1]
            frames.append((match["function"], file))
        stacks.append((frames, int(count)))
    return stacks


def path_of(frames: list[tuple[str, str]]) -> str:
    for _, file in frames:
        if file.startswith("ringback/") and not file.startswith(OUTER):
            for name, prefix in PATHS:
                if file.startswith(prefix):
                    return name
            return f"other Ringback code ({file})"
    if any(file.startswith(FRAMEWORK) for _, file in frames):
        return "HTTP server and framework outside the handlers (uvicorn, Starlette)"
    return "event loop and other"


def summarise(path: Path, top: int = 25, focus: str | None = None) -> dict[str, Any]:
    stacks = parse(path)
    if focus:
        stacks = [(f, c) for f, c in stacks if any(fn == focus for fn, _ in f)]
    total = sum(count for _, count in stacks) or 1
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    paths: Counter[str] = Counter()
    for frames, count in stacks:
        names = {f"{function} ({file})" for function, file in frames if not file.startswith(ROOT)}
        for name in names:
            inclusive[name] += count
        if frames:
            own[f"{frames[-1][0]} ({frames[-1][1]})"] += count
        paths[path_of(frames)] += count
    return {
        "file": str(path),
        "samples": total,
        "paths": {k: v / total for k, v in paths.most_common()},
        "inclusive": [(k, v / total) for k, v in inclusive.most_common(top)],
        "self": [(k, v / total) for k, v in own.most_common(top)],
        "ringback": [(k, v / total) for k, v in inclusive.most_common() if "(ringback/" in k][:top],
    }


def render(summary: dict[str, Any]) -> str:
    lines = [f"{summary['file']}: {summary['samples']} samples"]
    lines.append("  by path:")
    lines += [f"    {share:6.1%}  {name}" for name, share in summary["paths"].items()]
    lines.append("  Ringback's own functions, inclusive:")
    lines += [f"    {share:6.1%}  {name}" for name, share in summary.get("ringback", [])]
    lines.append("  inclusive:")
    lines += [f"    {share:6.1%}  {name}" for name, share in summary["inclusive"]]
    lines.append("  self:")
    lines += [f"    {share:6.1%}  {name}" for name, share in summary["self"]]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--focus", help="only samples whose stack holds this function")
    args = parser.parse_args()
    print(render(summarise(args.file, args.top, args.focus)))


if __name__ == "__main__":
    main()
