"""The path and query an endpoint reads without building Starlette's `URL` are exactly what
`request.url` would have given, whatever the client sent."""

from __future__ import annotations

from typing import Any

from hypothesis import example, given
from hypothesis import strategies as st
from starlette.requests import Request

from ringback.core.request_params import path_text, query_text


def request(path: str, query: bytes, host: bytes | None = b"127.0.0.1:4280") -> Request:
    headers = [(b"host", host)] if host is not None else []
    scope: dict[str, Any] = {
        "type": "http",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "query_string": query,
        "headers": headers,
        "server": ("127.0.0.1", 4280),
    }
    return Request(scope)


@given(st.binary(max_size=40), st.sampled_from([b"127.0.0.1:4280", b"[::1]:80", b"bad host", None]))
@example(b"a=1#b=2", b"127.0.0.1:4280")
@example(b"a=1\tb\r\n=2", b"127.0.0.1:4280")
@example(b"to=447700900900&text=caf%C3%A9?&x=\\", None)
def test_the_query_is_the_urls(query: bytes, host: bytes | None) -> None:
    try:
        expected = request("/sms/json", query, host).url.query
    except UnicodeDecodeError:
        expected = None
    try:
        given_text: str | None = query_text(request("/sms/json", query, host))
    except UnicodeDecodeError:
        given_text = None
    assert given_text == expected


@given(st.text(max_size=30), st.sampled_from([b"127.0.0.1:4280", None]))
@example("/sms/json", b"127.0.0.1:4280")
@example("/v1/calls/a?b#c\\d", b"127.0.0.1:4280")
@example("//sms/json", None)
@example("/sms/\tjson\n", b"127.0.0.1:4280")
@example("", b"127.0.0.1:4280")
def test_the_path_is_the_urls(path: str, host: bytes | None) -> None:
    assert path_text(request(path, b"", host)) == request(path, b"", host).url.path
