"""The one JSON reader and the one URL check never raise anything but their own refusal,
and what they accept, the rest of Ringback can store and call."""

from __future__ import annotations

import contextlib
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ringback.core.errors import InvalidParameters
from ringback.core.json_input import MAX_DEPTH, read_json
from ringback.core.web_urls import BadUrl, Problem, check_web_url
from ringback.webhooks.http1 import target_of

ANY_TEXT = st.text(st.characters(blacklist_categories=()), max_size=8)  # lone surrogates too
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | ANY_TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(ANY_TEXT, inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200))
def test_any_bytes_are_a_document_or_a_refusal(raw: bytes) -> None:
    with contextlib.suppress(InvalidParameters):
        read_json(raw)


@settings(max_examples=300, deadline=None)
@given(JSON_VALUES)
def test_whatever_is_accepted_can_be_written_as_utf8(value: object) -> None:
    raw = json.dumps(value).encode()  # ensure_ascii: lone surrogates arrive escaped
    try:
        document = read_json(raw)
    except InvalidParameters as refused:
        assert refused.invalid_parameters, refused.detail  # only surrogates are refused here
        return
    json.dumps(document, ensure_ascii=False).encode("utf-8")


def test_depth_is_bounded() -> None:
    assert read_json(b"[" * MAX_DEPTH + b"]" * MAX_DEPTH) == _nested(MAX_DEPTH)
    for raw in (b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1), b"[" * 100_000):
        with pytest.raises(InvalidParameters, match="not valid JSON"):
            read_json(raw)


def _nested(depth: int) -> object:
    value: list[object] = []
    for _ in range(depth - 1):
        value = [value]
    return value


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://[::1", Problem.UNPARSEABLE),
        ("http://[::1]:99999/", Problem.UNPARSEABLE),
        ("http://[zz]/", Problem.UNPARSEABLE),
        ("mailto:someone@example.com", Problem.SCHEME),
        ("//example.com/", Problem.SCHEME),
        ("http:///x", Problem.HOST),
        ("http://a..b/", Problem.HOST),
        ("http://a b/", Problem.CHARACTERS),
        ("http://a/\ud800", Problem.CHARACTERS),
        ("http://a/" + "x" * 2000, Problem.TOO_LONG),
    ],
)
def test_what_a_url_is_refused_for(url: str, problem: Problem) -> None:
    with pytest.raises(BadUrl) as refused:
        check_web_url(url)
    assert refused.value.problem is problem


@pytest.mark.parametrize(
    "url", ["http://[::1]:8080/in", "HTTPS://Example.COM/x?y=1", "http://éx.com/", "http://a:0/"]
)
def test_good_urls_pass_unchanged(url: str) -> None:
    assert check_web_url(url) == url


URL_TEXT = st.text(st.sampled_from("htps:/[]:.@?#%aé1 \x00\ud800-_~0123456789"), max_size=30)


@settings(max_examples=500, deadline=None)
@given(
    st.one_of(URL_TEXT, st.text(max_size=40)).flatmap(
        lambda t: st.sampled_from([t, "http://" + t, "https://" + t, "http://[" + t])
    )
)
def test_every_url_that_passes_can_be_called(url: str) -> None:
    try:
        check_web_url(url)
    except BadUrl:
        return
    target_of(url)  # the webhook sender's own parse: raises InvalidURL if it cannot call it
