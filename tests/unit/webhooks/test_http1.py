"""The webhook HTTP client against receivers that answer in every legal (and some illegal) way:
chunked bodies, bodies ended by closing, interim 1xx answers, `Connection: close`, HTTP/1.0,
garbage, and a kept-alive connection the receiver closes between two deliveries."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from .conftest import Outbox, run

Answer = bytes | Callable[[asyncio.StreamWriter], Awaitable[None]]


async def canned(answers: list[Answer], hits: list[bytes]) -> asyncio.Server:
    """A server that answers each request with the next canned bytes (then closes if asked)."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while answers:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                hits.append(head + await reader.readexactly(length))
                answer = answers.pop(0)
                if isinstance(answer, bytes):
                    writer.write(answer)
                    await writer.drain()
                else:
                    await answer(writer)
                    return
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    return await asyncio.start_server(handle, "127.0.0.1", 0)


def deliver(box: Outbox, answers: list[Answer], count: int = 1) -> list[bytes]:
    hits: list[bytes] = []

    async def go() -> None:
        server = await canned(answers, hits)
        port = server.sockets[0].getsockname()[1]
        for n in range(count):
            box.enqueue(f"http://127.0.0.1:{port}/hook", {"n": str(n)})
        dispatcher = box.dispatcher(response_timeout=1.0)
        await dispatcher.drain()
        await dispatcher.stop()
        server.close()

    run(go())
    return hits


def attempts(box: Outbox) -> list[dict[str, Any]]:
    return [a for d in reversed(box.deliveries()) for a in d["attempts"]]


async def close_now(writer: asyncio.StreamWriter) -> None:
    writer.close()


def test_a_chunked_answer_is_read_whole_and_the_connection_kept(box: Outbox) -> None:
    chunked = (
        b"HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n"
        b"Content-Type: text/plain; charset=latin-1\r\n\r\n"
        b"3\r\nabc\r\n2\r\n\xe9!\r\n0\r\n\r\n"
    )
    hits = deliver(box, [chunked, chunked], count=2)
    assert len(hits) == 2  # both on the one connection the server served
    assert [(a["response_status"], a["response_excerpt"]) for a in attempts(box)] == [
        (201, "abcé!"),
        (201, "abcé!"),
    ]


def test_a_body_ended_by_closing_the_connection(box: Outbox) -> None:
    async def until_close(writer: asyncio.StreamWriter) -> None:
        writer.write(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nall of it")
        await writer.drain()
        writer.close()

    deliver(box, [until_close])
    (attempt,) = attempts(box)
    assert (attempt["response_status"], attempt["response_excerpt"]) == (200, "all of it")


def test_an_interim_1xx_answer_is_skipped(box: Outbox) -> None:
    deliver(box, [b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n"])
    (attempt,) = attempts(box)
    assert attempt["response_status"] == 204
    assert box.deliveries()[0]["status"] == "delivered"


def test_connection_close_and_http_1_0_answers_open_a_new_connection(box: Outbox) -> None:
    answers: list[Answer] = [
        b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\na",
        b"HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nb",
        b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nc",
    ]
    deliver(box, answers, count=3)
    assert [a["response_excerpt"] for a in attempts(box)] == ["a", "b", "c"]
    assert {d["status"] for d in box.deliveries()} == {"delivered"}


def test_a_kept_alive_connection_closed_by_the_receiver_is_reopened_quietly(
    box: Outbox,
) -> None:
    async def answer_then_close(writer: asyncio.StreamWriter) -> None:
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
        await writer.drain()
        await asyncio.sleep(0.05)  # the client still thinks the connection is kept
        writer.close()

    ok = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
    deliver(box, [answer_then_close, ok], count=2)
    assert [a["error"] for a in attempts(box)] == [None, None]
    assert {d["status"] for d in box.deliveries()} == {"delivered"}


def test_an_answer_that_is_not_http_is_an_error(box: Outbox) -> None:
    deliver(box, [b"SSH-2.0-OpenSSH_9.6\r\n\r\n"])
    (attempt,) = attempts(box)
    assert attempt["response_status"] is None
    assert attempt["error"].startswith("invalid response: ")


def test_a_connection_closed_mid_answer_is_an_error(box: Outbox) -> None:
    async def half(writer: asyncio.StreamWriter) -> None:
        writer.write(b"HTTP/1.1 200 OK\r\nContent-")
        await writer.drain()
        writer.close()

    deliver(box, [half])
    (attempt,) = attempts(box)
    assert attempt["error"] == "connection closed: the receiver closed the connection mid-answer"


def test_the_request_is_plain_http_1_1(box: Outbox) -> None:
    hits = deliver(box, [b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"])
    head, _, sent = hits[0].partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    assert lines[0] == b"POST /hook HTTP/1.1"
    assert lines[1].startswith(b"Host: 127.0.0.1:")
    assert sent == b'{"n":"0"}'
