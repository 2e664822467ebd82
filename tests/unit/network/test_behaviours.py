"""Behaviour profiles: validation that names every problem, storage, magic numbers, the docs."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from ringback.core.errors import InvalidParameters
from ringback.network import behaviours, numbering
from ringback.network.behaviours import DEFAULT, MAGIC_NUMBERS, Behaviour

if TYPE_CHECKING:
    from conftest import World

DOCS = Path(__file__).parents[3] / "docs" / "magic-numbers.md"


def test_validate_fills_in_the_default_and_names_it_custom() -> None:
    behaviour = behaviours.validate({"sms": "failed", "err_code": 7, "roaming_country": "fr"})
    assert behaviour == Behaviour(sms="failed", err_code=7, roaming_country="FR", name="custom")
    assert behaviours.validate({}) == DEFAULT


@pytest.mark.parametrize(
    ("fields", "bad"),
    [
        ({"sms": "lost"}, "sms"),
        ({"err_code": 100}, "err_code"),
        ({"err_code": True}, "err_code"),
        ({"err_code": "2"}, "err_code"),
        ({"delay_seconds": -1}, "delay_seconds"),
        ({"delay_seconds": 7 * 86400 + 1}, "delay_seconds"),
        ({"delay_seconds": "1"}, "delay_seconds"),
        ({"submit_status": 1}, "submit_status"),
        ({"reachable": "maybe"}, "reachable"),
        ({"roaming_country": "F"}, "roaming_country"),
        ({"roaming_network": 20801}, "roaming_network"),
        ({"ported_network": "23-15"}, "ported_network"),
        ({"valid": "yes"}, "valid"),
        ({"name": ""}, "name"),
        ({"name": "x" * 65}, "name"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_validate_refuses_each_bad_field(fields: dict[str, Any], bad: str) -> None:
    with pytest.raises(InvalidParameters) as error:
        behaviours.validate(fields)
    assert [p.name for p in error.value.invalid_parameters] == [bad]


def test_validate_names_every_problem_at_once() -> None:
    with pytest.raises(InvalidParameters) as error:
        behaviours.validate({"sms": 1, "err_code": -1, "colour": "red", "valid": 0})
    assert {p.name for p in error.value.invalid_parameters} == {
        "sms",
        "err_code",
        "colour",
        "valid",
    }


def test_a_named_profile_is_copied_and_changes_make_it_custom() -> None:
    slow = behaviours.named("slow")
    assert slow is not None
    assert behaviours.validate({}, slow) == slow
    changed = behaviours.validate({"delay_seconds": 5}, slow)
    assert changed.delay_seconds == 5 and changed.valid is True and changed.name == "custom"
    assert behaviours.named("default") == DEFAULT
    assert behaviours.named("no-such-profile") is None


def test_set_wins_over_magic_which_wins_over_default(world: World) -> None:
    store = world.services.store
    magic = "447700900901"
    with store.begin() as tx:
        assert behaviours.effective(tx, magic).source == "magic"
        assert behaviours.behaviour_for(tx, magic).name == "absent-temporary"
        assert behaviours.effective(tx, "447700900999").source == "default"
        behaviours.set_behaviour(tx, magic, Behaviour(sms="failed", name="mine"), 100.0)
    with store.begin() as tx:
        found = behaviours.effective(tx, magic)
        assert (found.source, found.behaviour.name, found.updated_at) == ("set", "mine", 100.0)
        behaviours.set_behaviour(tx, magic, Behaviour(sms="rejected", name="again"), 200.0)
        assert behaviours.behaviour_for(tx, magic).sms == "rejected"
        behaviours.clear_behaviour(tx, magic)
        assert behaviours.effective(tx, magic).source == "magic"


def test_magic_numbers_are_the_end_of_the_drama_range_on_the_fictional_network() -> None:
    assert len({b.name for b in MAGIC_NUMBERS.values()}) == len(MAGIC_NUMBERS)
    # 900900-909 for messages and lookups, 900910-914 for voice calls
    assert sorted(MAGIC_NUMBERS) == [f"4477009009{n:02}" for n in range(15)]
    for msisdn, behaviour in MAGIC_NUMBERS.items():
        info = numbering.lookup(msisdn)
        assert info is not None and info.region == "GB" and info.valid and info.fictional
        assert behaviour.valid is True
    # the numbers Vonage's documentation uses as examples are ordinary handsets now
    assert "447700900000" not in MAGIC_NUMBERS and "447700900001" not in MAGIC_NUMBERS


def test_explain_says_what_an_sms_and_number_insight_do() -> None:
    barred = behaviours.explain(MAGIC_NUMBERS["447700900903"])
    assert barred["sms"] == "refused at submission: status 7 (Number Barred); no receipt"
    roaming = behaviours.explain(MAGIC_NUMBERS["447700900906"])
    assert "roaming: FR on 20801" in roaming["number_insight"]
    absent = behaviours.explain(MAGIC_NUMBERS["447700900901"])
    assert "receipt expired, err-code 2 (Absent Subscriber - Temporary), after 2 s" in absent["sms"]
    assert "valid: from libphonenumber" in behaviours.explain(DEFAULT)["number_insight"]


def test_the_docs_table_is_the_magic_numbers_table() -> None:
    text = DOCS.read_text()
    for msisdn, behaviour in MAGIC_NUMBERS.items():
        said = behaviours.explain(behaviour)
        row = f"| `{msisdn}` | `{behaviour.name}` | {said['sms']} | {said['number_insight']} |"
        assert row in text, f"docs/magic-numbers.md is out of date for {msisdn}"
    assert len(re.findall(r"^\| `4477009009\d\d`", text, re.MULTILINE)) == len(MAGIC_NUMBERS)
