"""Control of the whole simulated world: reset, snapshots, the clock, the id seed."""

from __future__ import annotations

import dataclasses
import json
import math
import re
from decimal import Decimal
from typing import Any

from starlette.requests import Request
from starlette.routing import Route

from ringback.apis.services import Services
from ringback.control.common import control, field
from ringback.control.shared import announce_clock, publish
from ringback.core.clock import MAX_ADVANCE_SECONDS, ClockError, ClockState
from ringback.core.errors import Conflict, InvalidParameters, NotFound
from ringback.core.money import to_units
from ringback.platform.provisioning import ensure_default_account
from ringback.state import accounts as account_state
from ringback.state import auth_log
from ringback.state import jobs as job_state
from ringback.state.store import SnapshotMismatch

SNAPSHOT_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


def clock_view(services: Services) -> dict[str, Any]:
    clock = services.clock
    return {"now": clock.now(), "frozen": clock.frozen, "offset_seconds": clock.state.offset}


def save_clock(services: Services) -> None:
    services.store.set_meta("clock", json.dumps(dataclasses.asdict(services.clock.state)))


def restore_default_account(services: Services) -> None:
    settings = services.settings
    with services.store.begin() as tx:
        ensure_default_account(
            tx,
            services.ids,
            services.clock,
            settings.data_dir / "credentials.json",
            None,
            None,
            Decimal(settings.default_balance),
        )


def _reset_settings(services: Services, api_keys: list[str]) -> None:
    """Balance and callback URLs back to a new account's."""
    balance_units = to_units(Decimal(services.settings.default_balance))
    with services.store.begin() as tx:
        for api_key in api_keys:
            account_state.update_account(
                tx, api_key, balance_units=balance_units, mo_callback_url="", dr_callback_url=""
            )


def reset(request: Request, services: Services, body: dict[str, Any]) -> Any:
    """One account's traffic, or everything's; never anyone's credentials (key, secrets,
    signature secret and method): tests and clients built with them keep working. One
    transaction: a reset is whole or not at all."""
    api_key = request.query_params.get("api_key") or field(body, "api_key", str)
    with services.store.begin():
        _reset(services, api_key)
    services.limits.clear()
    if not api_key:
        announce_clock(services)
    return {"reset": api_key or "all"}


def _reset(services: Services, api_key: str | None) -> None:
    if api_key:
        with services.store.begin() as tx:
            if account_state.get_account(tx, api_key) is None:
                raise NotFound(f"account {api_key} not found")
        services.store.reset(api_key)
        _reset_settings(services, [api_key])
    else:
        services.store.reset()
        with services.store.begin() as tx:
            everyone = [a.api_key for a in account_state.list_accounts(tx)]
        _reset_settings(services, everyone)
        restore_default_account(services)
        services.clock.reset()
        save_clock(services)


def list_snapshots(request: Request, services: Services, body: dict[str, Any]) -> Any:
    items = [dataclasses.asdict(info) for info in services.store.list_snapshots()]
    return {"snapshots": items}


def _snapshot_name(value: Any) -> str:
    if not isinstance(value, str) or not SNAPSHOT_NAME.match(value):
        raise InvalidParameters("name must be 1-64 letters, digits, '_', '.' or '-'")
    return value


def save_snapshot(request: Request, services: Services, body: dict[str, Any]) -> Any:
    name = _snapshot_name(body.get("name"))
    save_clock(services)
    services.store.save_snapshot(name)
    return {"name": name, "saved": True}


def restore_snapshot(request: Request, services: Services, body: dict[str, Any]) -> Any:
    name = _snapshot_name(request.path_params["name"])
    try:
        restored = services.store.restore_snapshot(name)
    except SnapshotMismatch as exc:
        raise Conflict(str(exc)) from None
    if not restored:
        raise NotFound(f"snapshot {name} not found")
    saved = services.store.get_meta("clock")
    if saved:
        services.clock.set_state(ClockState(**json.loads(saved)))
    services.limits.clear()
    announce_clock(services)
    services.scheduler.wake()
    return {"name": name, "restored": True}


def delete_snapshot(request: Request, services: Services, body: dict[str, Any]) -> Any:
    name = _snapshot_name(request.path_params["name"])
    if not services.store.delete_snapshot(name):
        raise NotFound(f"snapshot {name} not found")
    return {"name": name, "deleted": True}


async def read_clock(request: Request, services: Services, body: dict[str, Any]) -> Any:
    return clock_view(services)


CLOCK_FIELDS = {"freeze", "advance_seconds", "reset"}


def _advance_seconds(body: dict[str, Any]) -> float | None:
    value = body.get("advance_seconds")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidParameters("advance_seconds must be a number of seconds")
    try:
        seconds = float(value)  # an int of 400 digits overflows
    except OverflowError:
        seconds = math.inf
    if not (math.isfinite(seconds) and 0 < seconds <= MAX_ADVANCE_SECONDS):
        raise InvalidParameters(
            "advance_seconds must be more than 0 and at most 10 years (315576000 s)"
        )
    return seconds


async def change_clock(request: Request, services: Services, body: dict[str, Any]) -> Any:
    unknown = sorted(set(body) - CLOCK_FIELDS)
    if unknown:
        raise InvalidParameters(f"unknown field(s) {', '.join(unknown)}: use {CLOCK_FIELDS}")
    reset = field(body, "reset", bool)
    freeze = field(body, "freeze", bool)
    advance = _advance_seconds(body)
    if reset:
        services.clock.reset()
    if freeze is True:
        services.clock.freeze()
    if advance:
        try:
            services.clock.advance(advance)
        except ClockError as exc:
            raise InvalidParameters(f"advance_seconds: {exc}") from None
    if freeze is False:
        services.clock.resume()
    await services.store.run(save_clock, services)
    announce_clock(services)
    await services.broadcast.settle()
    services.scheduler.wake()
    if advance:
        await services.scheduler.run_due()
        await services.webhooks.run_due()
    return clock_view(services)


async def seed(request: Request, services: Services, body: dict[str, Any]) -> Any:
    value = body.get("seed")
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise InvalidParameters("seed must be an integer or null")
    services.ids.seed(value)
    await publish(services, "seed", value)
    return {"seed": value}


def read_auth_log(request: Request, services: Services, body: dict[str, Any]) -> Any:
    with services.store.begin() as tx:
        entries = auth_log.recent(tx, request.query_params.get("api_key"))
    return {"mode": services.auth.mode.value, "entries": entries}


async def read_rate_limits(request: Request, services: Services, body: dict[str, Any]) -> Any:
    return services.limits.describe()


async def change_rate_limits(request: Request, services: Services, body: dict[str, Any]) -> Any:
    enabled = field(body, "enabled", bool)
    limits = body.get("limits", {})
    if not isinstance(limits, dict):
        raise InvalidParameters("limits must be an object of name: '3/second'")
    for name, spec in limits.items():
        try:
            services.limits.set_rule(str(name), str(spec))
        except ValueError as exc:
            raise InvalidParameters(f"{name}: {spec!r} is not a rate like '3/second'") from exc
    if enabled is not None:
        services.limits.enabled = enabled
    await publish(services, "rate-limits", services.limits.describe())
    return services.limits.describe()


def list_jobs(request: Request, services: Services, body: dict[str, Any]) -> Any:
    with services.store.begin() as tx:
        jobs = job_state.list_jobs(tx, request.query_params.get("api_key"))
    return {"jobs": [dataclasses.asdict(j) for j in jobs]}


def routes() -> list[Route]:
    return [
        Route("/_ringback/reset", control(reset), methods=["POST"]),
        Route("/_ringback/snapshots", control(list_snapshots), methods=["GET"]),
        Route("/_ringback/snapshots", control(save_snapshot), methods=["POST"]),
        Route("/_ringback/snapshots/{name}/restore", control(restore_snapshot), methods=["POST"]),
        Route("/_ringback/snapshots/{name}", control(delete_snapshot), methods=["DELETE"]),
        Route("/_ringback/clock", control(read_clock), methods=["GET"]),
        Route("/_ringback/clock", control(change_clock), methods=["POST"]),
        Route("/_ringback/seed", control(seed), methods=["POST"]),
        Route("/_ringback/auth-log", control(read_auth_log), methods=["GET"]),
        Route("/_ringback/rate-limits", control(read_rate_limits), methods=["GET"]),
        Route("/_ringback/rate-limits", control(change_rate_limits), methods=["PUT"]),
        Route("/_ringback/jobs", control(list_jobs), methods=["GET"]),
    ]
