"""Listing deliveries: filters, URL matching, newest first."""

from __future__ import annotations

from .conftest import Outbox


def test_url_filter_an_absolute_url_matches_itself_and_below(box: Outbox) -> None:
    urls = [
        "http://h:1/a",
        "http://h:1/a/b",
        "http://h:1/a?x=1",
        "http://h:1/ab",
        "http://h:10/a",
        "http://h:1/",
    ]
    ids = {url: box.enqueue(url) for url in urls}

    def matching(value: str) -> set[str]:
        found = {d["id"] for d in box.deliveries(url=value)}
        return {url for url, delivery_id in ids.items() if delivery_id in found}

    assert matching("http://h:1/a") == {"http://h:1/a", "http://h:1/a/b", "http://h:1/a?x=1"}
    assert matching("http://h:1") == set(urls) - {"http://h:10/a"}
    assert matching("http://h:1/") == set(urls) - {"http://h:10/a"}
    assert matching("/a") == set(urls) - {"http://h:1/"}
    assert matching("h:10") == {"http://h:10/a"}
    assert matching("http://h:1/a/b/c") == set()


def test_filters_combine_and_lists_are_newest_first(box: Outbox) -> None:
    first = box.enqueue("http://h/x", kind="sms-dlr", api_key="k1", reference="m1")
    box.clock.advance(10)
    since = box.clock.now()
    second = box.enqueue("http://h/x", kind="sms-inbound", api_key="k1", reference="m2")
    third = box.enqueue("http://h/x", kind="sms-dlr", api_key="k2", reference="m3")
    assert [d["id"] for d in box.deliveries()] == [third, second, first]
    assert [d["id"] for d in box.deliveries(kind="sms-dlr")] == [third, first]
    assert [d["id"] for d in box.deliveries(api_key="k1", kind="sms-dlr")] == [first]
    assert [d["id"] for d in box.deliveries(reference="m2")] == [second]
    assert [d["id"] for d in box.deliveries(since=since)] == [third, second]
    assert [d["id"] for d in box.deliveries(limit=2)] == [third, second]
    assert [d["id"] for d in box.deliveries(status="pending")] == [third, second, first]
    assert box.deliveries(status="failed") == []
    assert box.deliveries(min_attempts=1) == []
    view = box.deliveries(reference="m1")[0]
    assert view["attempts"] == [] and view["attempt_count"] == 0
    assert view["payload"] == {"n": "1"}
    assert view["next_attempt_at"] == view["created_at"]
