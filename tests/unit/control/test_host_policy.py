"""Which Host and Origin values name this Ringback: the rules a DNS-rebinding page runs into."""

from __future__ import annotations

import pytest

from ringback.control.host_policy import HostPolicy, host_name, is_loopback, parse_allowed_hosts
from ringback.control.token import check_token, needs_token, token_matches

POLICY = HostPolicy("0.0.0.0", parse_allowed_hosts("Web, .svc.test."))


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ("localhost:4280", "localhost"),
        ("LOCALHOST.", "localhost"),
        ("[::1]:4280", "::1"),
        ("[::1]", "::1"),
        ("::1", "::1"),
        ("web:0", "web"),
        ("web:65536", None),
        ("web:", None),
        ("web:x", None),
        ("[::1]x", None),
        ("[::1", None),
        ("web:\uff14\uff12", None),  # fullwidth digits, not ASCII
        ("", None),
    ],
)
def test_host_names_are_read_from_the_header(header: str, name: str | None) -> None:
    assert host_name(header) == name


@pytest.mark.parametrize(
    ("name", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.255.0.9", True),
        ("::1", True),
        ("[::1]", True),
        ("::ffff:127.0.0.1", True),
        ("localhost", True),
        ("a.b.localhost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("10.0.0.1", False),
        ("localhost.evil.example", False),
        ("notlocalhost", False),
    ],
)
def test_loopback(name: str, loopback: bool) -> None:
    assert is_loopback(name) is loopback
    assert needs_token(name) is not loopback


@pytest.mark.parametrize(
    ("header", "allowed"),
    [
        (None, True),
        ("127.0.0.1:1", True),
        ("10.1.2.3", True),
        ("[fe80::1]:80", True),
        ("web", True),
        ("WEB:80", True),
        ("svc.test", True),
        ("a.svc.test", True),
        ("0.0.0.0", True),  # an IP literal
        ("evilsvc.test", False),
        ("svc.test.evil.example", False),
        ("evil.example", False),
        ("", False),
    ],
)
def test_hosts(header: str | None, allowed: bool) -> None:
    assert POLICY.host_allowed(header) is allowed


def test_the_bound_name_is_allowed() -> None:
    assert HostPolicy("ringback.internal").host_allowed("ringback.internal:4280")
    assert not HostPolicy("ringback.internal").host_allowed("other.internal:4280")


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        (None, True),
        ("http://localhost:4280", True),
        ("https://127.0.0.1", True),
        ("http://web:3000", True),
        ("http://10.0.0.7:4280", True),  # the request's own host
        ("http://10.0.0.8:4280", False),  # another machine's page
        ("null", False),
        ("https://evil.example", False),
        ("file://", False),
        ("chrome-extension://abc", False),
        ("http://[::1", False),
        ("http://localhost:99999", True),  # the name decides, not the port
    ],
)
def test_origins(origin: str | None, allowed: bool) -> None:
    assert POLICY.origin_allowed(origin, "10.0.0.7:4280") is allowed


@pytest.mark.parametrize("value", ["web:80", "http://web", "we b", "*", "a/b"])
def test_allowed_hosts_are_names_only(value: str) -> None:
    with pytest.raises(ValueError):
        parse_allowed_hosts(value)


def test_tokens() -> None:
    assert check_token("abc-DEF_123.~+/=") == "abc-DEF_123.~+/="
    for bad in ("", "has space", "tab\t", "é"):
        with pytest.raises(ValueError):
            check_token(bad)
    assert token_matches("abc", "abc")
    assert not token_matches("abd", "abc")
    assert not token_matches("\ud800", "abc")
