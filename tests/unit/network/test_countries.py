from __future__ import annotations

import phonenumbers

from ringback.network import countries


def test_countries_cover_every_supported_region() -> None:
    everything = countries.all_countries()
    assert {c.region for c in everything} == phonenumbers.SUPPORTED_REGIONS
    assert countries.country("gb") == countries.Country("GB", "United Kingdom", "44")
    korea = countries.country("KR")
    assert korea is not None
    assert korea.name == "South Korea"
    ascension = countries.country("AC")  # in neither name table: the code stands in
    assert ascension is not None
    assert ascension.name == "AC"
    assert countries.country("ZZ") is None
    uk = [c.region for c in countries.countries_with_prefix("44")]
    assert uk == ["GB", "GG", "IM", "JE"]
    assert countries.countries_with_prefix("999") == ()
