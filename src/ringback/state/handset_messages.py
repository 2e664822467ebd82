"""Reading `handset_messages` across handsets: which numbers have had traffic."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Connection, func, select

from ringback.state.tables import handset_messages


@dataclass
class HandsetTraffic:
    msisdn: str
    last_at: float  # the newest message's time on Ringback's clock
    received: int = 0
    sent: int = 0
    channels: dict[str, int] = field(default_factory=dict)  # messages per channel, both ways


def count_handsets(conn: Connection) -> int:
    """How many numbers have sent or received anything."""
    distinct = select(func.count(func.distinct(handset_messages.c.msisdn)))
    return int(conn.execute(distinct).scalar_one())


def handsets_with_traffic(conn: Connection, limit: int) -> list[HandsetTraffic]:
    """The `limit` numbers whose last message is newest (ties: the later recorded first),
    with their counts per direction and channel."""
    hm = handset_messages
    last_at = func.max(hm.c.created_at).label("last_at")
    last_id = func.max(hm.c.id).label("last_id")
    newest = (
        select(hm.c.msisdn, last_at, last_id)
        .group_by(hm.c.msisdn)
        .order_by(last_at.desc(), last_id.desc())
        .limit(limit)
    )
    found = {row.msisdn: HandsetTraffic(row.msisdn, row.last_at) for row in conn.execute(newest)}
    if not found:
        return []
    counts = (
        select(hm.c.msisdn, hm.c.direction, hm.c.channel, func.count().label("n"))
        .where(hm.c.msisdn.in_(list(found)))
        .group_by(hm.c.msisdn, hm.c.direction, hm.c.channel)
    )
    for row in conn.execute(counts):
        traffic = found[row.msisdn]
        if row.direction == "received":
            traffic.received += row.n
        else:
            traffic.sent += row.n
        traffic.channels[row.channel] = traffic.channels.get(row.channel, 0) + row.n
    return list(found.values())  # dicts keep the query's order
