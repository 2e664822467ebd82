"""WhatsApp's 24-hour customer-care window, on a real store: free-form messages only within a
day of the user's last message to the business sender, templates always, per sender and user."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ringback.network import whatsapp

if TYPE_CHECKING:
    from conftest import World

BUSINESS, OTHER, USER = "442000000001", "442000000002", "447700900123"


def test_free_text_needs_an_open_window_and_templates_do_not(world: World) -> None:
    with world.services.store.begin() as tx:
        assert not whatsapp.may_send(tx, BUSINESS, USER, "text", 1000.0)
        assert whatsapp.may_send(tx, BUSINESS, USER, "template", 1000.0)
        whatsapp.open_window(tx, BUSINESS, USER, 1000.0)
        assert whatsapp.may_send(tx, BUSINESS, USER, "image", 1000.0 + 86399)
        assert not whatsapp.may_send(tx, BUSINESS, USER, "text", 1000.0 + 86400)
        assert not whatsapp.may_send(tx, OTHER, USER, "text", 1001.0)  # another business
        whatsapp.open_window(tx, BUSINESS, USER, 90000.0)  # the user wrote again
        assert whatsapp.window_closes_at(tx, BUSINESS, USER) == 90000.0 + 86400
        assert whatsapp.may_send(tx, BUSINESS, USER, "text", 100000.0)
