"""A backlog to one receiver goes pipelined on a kept-alive connection (answers matched in
order); a receiver that closes or stalls midway loses nothing; `pipeline=1` is strict."""

from __future__ import annotations

import asyncio

from .conftest import Outbox, run

OK = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"


async def read_request(reader: asyncio.StreamReader) -> bytes:
    head = await reader.readuntil(b"\r\n\r\n")
    length = next(
        (int(line.split(b":")[1]) for line in head.split(b"\r\n")
         if line.lower().startswith(b"content-length:")),
        0,
    )  # fmt: skip
    return head + await reader.readexactly(length)


class Receiver:
    """Answers `statuses` in turn; notes, for each request, whether the next one had already
    been sent before it was answered; closes a connection after `close_after` answers; stalls
    on the request numbered `stall` (never answers it)."""

    def __init__(
        self, statuses: list[int] | None = None, close_after: int = 0, stall: int = -1
    ) -> None:
        self.statuses = statuses or []
        self.close_after = close_after
        self.stall = stall
        self.bodies: list[bytes] = []
        self.pipelined: list[bool] = []
        self.connections = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        answered = 0
        waiting: list[bytes] = []
        try:
            while True:
                request = waiting.pop(0) if waiting else await read_request(reader)
                try:
                    waiting.append(await asyncio.wait_for(read_request(reader), 0.05))
                    self.pipelined.append(True)
                except TimeoutError:
                    self.pipelined.append(False)
                number = len(self.bodies)
                self.bodies.append(request.partition(b"\r\n\r\n")[2])
                if number == self.stall:
                    await asyncio.sleep(3600)
                status = self.statuses[number] if number < len(self.statuses) else 200
                writer.write(b"HTTP/1.1 %d X\r\nContent-Length: 0\r\n\r\n" % status)
                answered += 1
                if answered == self.close_after:
                    return
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


def send(box: Outbox, receiver: Receiver, count: int, **settings: object) -> None:
    async def go() -> None:
        server = await asyncio.start_server(receiver.handle, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        for n in range(count):
            box.enqueue(f"http://127.0.0.1:{port}/hook", {"n": str(n)})
        dispatcher = box.dispatcher(**settings)
        await dispatcher.drain()
        await dispatcher.stop()
        server.close()

    run(go())


def numbers(receiver: Receiver) -> list[str]:
    return [body.decode().split('"')[3] for body in receiver.bodies]


def test_a_backlog_is_pipelined_in_order_once_the_connection_is_kept_alive(box: Outbox) -> None:
    receiver = Receiver(statuses=[200, 201, 500, 202, 204])
    send(box, receiver, 5)
    assert numbers(receiver) == ["0", "1", "2", "3", "4"]
    # the first request goes alone on a new connection; then the rest at once
    assert receiver.pipelined[0] is False and receiver.pipelined[1] is True
    got = {d["payload"]["n"]: d["attempts"][0]["response_status"] for d in box.deliveries()}
    assert got == {"0": 200, "1": 201, "2": 500, "3": 202, "4": 204}


def test_pipeline_1_sends_one_request_at_a_time(box: Outbox) -> None:
    receiver = Receiver()
    send(box, receiver, 3, pipeline=1)
    assert receiver.pipelined == [False, False, False]
    assert numbers(receiver) == ["0", "1", "2"]


def test_a_receiver_closing_midway_loses_nothing_and_duplicates_nothing(box: Outbox) -> None:
    receiver = Receiver(close_after=2)  # as a server with a keep-alive request limit
    send(box, receiver, 7)
    assert numbers(receiver) == [str(n) for n in range(7)]
    assert receiver.connections >= 4
    for delivery in box.deliveries():
        assert [a["response_status"] for a in delivery["attempts"]] == [200]


def test_a_stalled_answer_times_out_alone_and_the_rest_go_again(box: Outbox) -> None:
    receiver = Receiver(stall=2)
    send(box, receiver, 5, response_timeout=0.3)
    by_n = {d["payload"]["n"]: d for d in box.deliveries()}
    assert by_n["2"]["status"] == "pending"
    assert by_n["2"]["attempts"][0]["error"] == "response timeout: no answer within 0.3 s"
    for n in ("0", "1", "3", "4"):
        assert [a["response_status"] for a in by_n[n]["attempts"]] == [200]
    assert numbers(receiver)[:3] == ["0", "1", "2"]
