"""Application state through the service: number links, re-seeded ids, creation order."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from ringback.apis.applications import service
from ringback.core.clock import Clock
from ringback.core.errors import NotFound
from ringback.core.ids import Ids
from ringback.platform.provisioning import create_account
from ringback.state import applications as state
from ringback.state.store import Store, Tx
from ringback.state.tables import numbers
from ringback.testing.backends import new_store

PEM = """-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAxQHQjQpYkP8ZRM61XHCv
b/Hf2UMDTqrRTIvmeUrvMpOWRhBX8a+o4ztMQi9D5XPhVjZPhJK+oaM4pE20uXRd
oERWysb+78GuNYG2ivdr3PTgyp3TVKNlHZMnbIM63RMJDtdVuOHtw45kWrh+UuBK
cJctV4KX9i/k8NAfEqKUsuWnDA58NRIeqRYBPCANeJR3nILu9rXhgVMQ8ZOKA8zY
OGWtGMP7wcaGxRW9jlYRBGXeL3WZivvXmqOoKltrMzS1tuSgLPPb1AExL1fTEfUa
8Oaaj1bXe4b3iHlQWz+8O+sx4bdG9ZXcu6D/3r/UbhYEyqWmvFHeaLxw8fyFJngS
LQIDAQAB
-----END PUBLIC KEY-----
"""


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = new_store(tmp_path)
    ids = Ids(3)
    with store.begin() as tx:
        for api_key in ("acct0001", "acct0002"):
            create_account(tx, ids, Clock(), api_key=api_key)
    yield store
    store.close()


def _create(tx: Tx, ids: Ids, api_key: str = "acct0001", name: str = "a") -> str:
    body = {"name": name, "keys": {"public_key": PEM}}
    app, private_key = service.create_application(tx, ids, Clock(), api_key, body)
    assert private_key is None
    return app.id


def _own_number(tx: Tx, msisdn: str, api_key: str, app_id: str | None) -> None:
    tx.conn.execute(
        insert(numbers).values(
            msisdn=msisdn,
            api_key=api_key,
            country="GB",
            type="mobile-lvn",
            features="[]",
            monthly_cost_units=0,
            app_id=app_id,
            bought_at=0.0,
            renews_at=0.0,
        )
    )


def test_delete_unlinks_the_applications_numbers_only(store: Store) -> None:
    ids = Ids(7)
    with store.begin() as tx:
        doomed, kept = _create(tx, ids), _create(tx, ids)
        _own_number(tx, "447700900901", "acct0001", doomed)
        _own_number(tx, "447700900902", "acct0001", kept)
        _own_number(tx, "447700900903", "acct0002", doomed)  # not theirs to unlink
        service.delete_application(tx, "acct0001", doomed)
        rows = tx.conn.execute(select(numbers.c.msisdn, numbers.c.app_id))
        links = {msisdn: app_id for msisdn, app_id in rows}
    assert links == {"447700900901": None, "447700900902": kept, "447700900903": doomed}


def test_a_failed_delete_unlinks_nothing(store: Store) -> None:
    with store.begin() as tx:
        app_id = _create(tx, Ids(8))
        _own_number(tx, "447700900904", "acct0001", app_id)
    with store.begin() as tx:
        with pytest.raises(NotFound):
            service.delete_application(tx, "acct0002", app_id)
        assert tx.conn.execute(select(numbers.c.app_id)).scalar_one() == app_id


def test_a_reseeded_id_source_never_reuses_an_id(store: Store) -> None:
    with store.begin() as tx:
        first = _create(tx, Ids(42))
        second = _create(tx, Ids(42))
    assert first != second


def test_lists_keep_creation_order_per_account(store: Store) -> None:
    ids = Ids(9)
    with store.begin() as tx:
        mine = [_create(tx, ids, name=f"m{n}") for n in range(3)]
        _create(tx, ids, api_key="acct0002")
        page = service.list_applications(tx, "acct0001", page=1, page_size=2)
        assert [a.id for a in page.applications] == mine[:2]
        assert (page.total_items, page.total_pages) == (3, 2)
        assert [a.id for a in state.list_applications(tx, "acct0001", 2, 2)] == mine[2:]
