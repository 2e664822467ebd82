from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from ringback.apis.applications.keys import key_pairs
from ringback.apis.applications.schemas import parse_config
from ringback.core.clock import Clock
from ringback.core.errors import NotFound
from ringback.core.ids import Ids
from ringback.state import applications as state
from ringback.state.applications import Application
from ringback.state.store import Tx

# "If set to `true`, Vonage may store and use your content ..."; `default: true` on create
DEFAULT_IMPROVE_AI = True


@dataclass(frozen=True)
class Page:
    applications: list[Application]
    page: int
    page_size: int
    total_items: int

    @property
    def total_pages(self) -> int:
        # never 0: the Python SDK reads page == total_pages as "no next page"
        return max(1, math.ceil(self.total_items / self.page_size))


def not_found(app_id: str) -> NotFound:
    """The same answer for an unknown id and another account's: existence is never revealed."""
    return NotFound(f"ID '{app_id}' does not exist, or you do not have access")


def create_application(
    tx: Tx, ids: Ids, clock: Clock, api_key: str, body: dict[str, Any] | None
) -> tuple[Application, str | None]:
    """The new application and, when Ringback made its key pair, the private key (shown once)."""
    config = parse_config(body)
    private_key = None
    public_key = config.public_key
    if public_key is None:
        private_key, public_key = key_pairs.take()
    app_id = ids.uuid()
    while state.application_exists(tx, app_id):  # a re-seeded id source repeats itself
        app_id = ids.uuid()
    improve_ai = DEFAULT_IMPROVE_AI if config.improve_ai is None else config.improve_ai
    app = Application(
        id=app_id,
        api_key=api_key,
        name=config.name,
        capabilities=config.capabilities,
        privacy={"improve_ai": improve_ai},
        public_key=public_key,
        created_at=clock.now(),
        seq=state.next_seq(tx),
    )
    state.insert_application(tx, app)
    return app, private_key


def get_application(tx: Tx, api_key: str, app_id: str) -> Application:
    app = state.get_application(tx, api_key, app_id)
    if app is None:
        raise not_found(app_id)
    return app


def list_applications(tx: Tx, api_key: str, page: int, page_size: int) -> Page:
    total = state.count_applications(tx, api_key)
    apps = state.list_applications(tx, api_key, (page - 1) * page_size, page_size)
    return Page(apps, page, page_size, total)


def update_application(
    tx: Tx, api_key: str, app_id: str, body: dict[str, Any] | None
) -> Application:
    """A PUT replaces name and capabilities; the key and privacy stay unless given."""
    config = parse_config(body)
    current = get_application(tx, api_key, app_id)
    privacy = current.privacy
    if config.improve_ai is not None:
        privacy = {"improve_ai": config.improve_ai}
    updated = state.replace_application(
        tx,
        api_key,
        app_id,
        name=config.name,
        capabilities=config.capabilities,
        privacy=privacy,
        public_key=config.public_key or current.public_key,
    )
    assert updated is not None
    return updated


def delete_application(tx: Tx, api_key: str, app_id: str) -> None:
    if not state.delete_application(tx, api_key, app_id):
        raise not_found(app_id)
    state.unlink_numbers(tx, api_key, app_id)
