"""The Advanced async callback: the full Advanced body, POSTed as JSON to `callback`.

It is a row in the webhook outbox, written in the lookup's own transaction, due
`CALLBACK_DELAY` seconds later on Ringback's clock: Vonage answers the request at once and
calls back when the live lookup is done ("of the order of a few seconds", at most 15 s, Vonage
support: Implementing Number Insight). Half a second keeps the order visible (answer first,
callback after) without slowing tests; a frozen clock holds it until advanced. Unanswered
callbacks are retried for 24 hours, as that article says (the outbox's default window).

JSON even for /ni/advanced/async/xml: the spec allows either body, and the outbox sends JSON
or forms only.
"""

from __future__ import annotations

from ringback.apis.insight import bodies, service
from ringback.apis.insight.schemas import InsightQuery
from ringback.apis.insight.service import Insight
from ringback.platform.billing import Billing
from ringback.state.store import Tx
from ringback.webhooks import outbox

KIND = "ni-async"
CALLBACK_DELAY = 0.5


def enqueue(tx: Tx, now: float, api_key: str, insight: Insight) -> int:
    assert insight.query.callback is not None
    return outbox.enqueue(
        tx,
        now,
        api_key=api_key,
        kind=KIND,
        url=insight.query.callback,
        payload=bodies.advanced(insight),
        method="POST",
        content_type="json",
        reference=insight.request_id,
        retry_window=outbox.DAY,
        due_at=now + CALLBACK_DELAY,
    )


def look_up_async(
    tx: Tx,
    billing: Billing,
    now: float,
    api_key: str,
    request_id: str,
    query: InsightQuery,
) -> Insight:
    """An Advanced lookup whose answer goes to `query.callback`; charged now, like Vonage."""
    insight = service.look_up(tx, billing, api_key, request_id, query)
    enqueue(tx, now, api_key, insight)
    return insight
