"""SMS segmenting: GSM-7 and UCS-2 part counts at every boundary, extension characters and
surrogate pairs never split, the parts always joining back into the text the handset reads, and
GSM-7 asked for (`type=text`) turning what it cannot carry into `?`."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ringback.network.sms_encoding import (
    GSM7_CHARACTERS,
    GSM7_DOUBLE,
    Encoding,
    as_gsm7,
    gsm7_length,
    gsm_septets,
    is_gsm7,
    segment_binary,
    segment_text,
    utf16_units,
)

BASIC = "@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCXYZÄÖÑÜ§¿abcxyzäöñüà\n\r"
EXTENSION = "|^€{}[]~\\\f"
NON_GSM = "ЖжΩ中文çáß`\u00a0\x1b"  # Cyrillic, CJK, ç (GSM has only Ç), backtick, NBSP, ESC
ASTRAL = "😀🎉𝄞"  # outside the BMP: a surrogate pair in UTF-16


def septets(text: str) -> int:
    return sum(gsm_septets(c) or 0 for c in text)


def units(text: str) -> int:
    return sum(utf16_units(c) for c in text)


@pytest.mark.parametrize(
    ("length", "parts"),
    [(1, 1), (160, 1), (161, 2), (306, 2), (307, 3), (459, 3), (460, 4), (3200, 21)],
)
def test_gsm7_boundaries(length: int, parts: int) -> None:
    segments = segment_text("a" * length)
    assert (segments.encoding, segments.count) == (Encoding.GSM7, parts)


@pytest.mark.parametrize(
    ("length", "parts"), [(70, 1), (71, 2), (134, 2), (135, 3), (201, 3), (202, 4)]
)
def test_ucs2_boundaries(length: int, parts: int) -> None:
    segments = segment_text("Ж" * length)
    assert (segments.encoding, segments.count) == (Encoding.UCS2, parts)


def test_extension_characters_count_double_and_are_never_split() -> None:
    assert segment_text("€" * 80).count == 1
    assert segment_text("€" * 81).count == 2
    assert segment_text("a" * 159 + "€").count == 2  # 161 septets
    # 152 + € would be 154 septets: the € starts the second part whole
    segments = segment_text("a" * 152 + "€" + "a" * 8)
    assert segments.parts == ("a" * 152, "€" + "a" * 8)


def test_surrogate_pairs_are_never_split() -> None:
    assert segment_text("Ж" * 68 + "😀").count == 1  # 70 code units
    segments = segment_text("Ж" * 69 + "😀")  # 71: two parts of at most 67
    assert segments.parts == ("Ж" * 67, "ЖЖ😀")
    segments = segment_text("Ж" * 66 + "😀" + "Ж" * 10)
    assert segments.parts[0] == "Ж" * 66  # the pair would end at unit 68
    assert all(units(p) <= 67 for p in segments.parts)


def test_unicode_is_forced_by_the_request_and_chosen_for_non_gsm_text() -> None:
    assert segment_text("plain", Encoding.UCS2).encoding is Encoding.UCS2
    assert segment_text("plain", Encoding.GSM7).encoding is Encoding.GSM7
    assert segment_text("plain ç").encoding is Encoding.UCS2
    assert segment_text("escape \x1b e").encoding is Encoding.UCS2  # ESC is not a character


def test_gsm7_asked_for_sends_a_question_mark_for_each_character_it_cannot_carry() -> None:
    assert as_gsm7("Привет, мир!") == "??????, ???!"
    assert as_gsm7("plain ç") == "plain ?"  # GSM-7 has Ç but not ç
    assert as_gsm7("ok 😀🎉") == "ok ??"  # one per character, not per UTF-16 unit
    assert as_gsm7("a\x1bb") == "a?b"  # a lone escape is no character
    assert as_gsm7("{€} [x] ~|^\\") == "{€} [x] ~|^\\"  # extension characters arrive intact
    assert as_gsm7(BASIC + EXTENSION) == BASIC + EXTENSION
    segments = segment_text("Привет", Encoding.GSM7)
    assert (segments.encoding, segments.parts) == (Encoding.GSM7, ("??????",))


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("Ж" * 160, 1),  # 160 septets, where UCS-2 would need 3 parts
        ("Ж" * 161, 2),
        ("😀" * 160, 1),  # an emoji is one septet as `?`, not two UTF-16 units
        ("😀" * 161, 2),
        ("€" * 79 + "Ж" * 2, 1),  # 158 + 2
        ("€" * 80 + "Ж", 2),  # 161 septets
        ("Ж" * 306, 2),
        ("Ж" * 307, 3),
    ],
)
def test_gsm7_asked_for_is_counted_as_gsm7(text: str, parts: int) -> None:
    segments = segment_text(text, Encoding.GSM7)
    assert (segments.encoding, segments.count) == (Encoding.GSM7, parts)


def test_binary_parts() -> None:
    assert segment_binary(b"\x00" * 140).parts == ("00" * 140,)
    assert segment_binary(b"\x00" * 133, b"\x01" * 7).count == 1
    assert segment_binary(b"\x00" * 135, b"\x01" * 7).count == 2
    assert segment_binary(b"\x00" * 2, b"\x01" * 140).count == 0  # no room at all
    assert segment_binary(b"\x00" * 10, b"\x01" * 134).count == 0  # none for concatenation


texts = st.text(
    alphabet=st.sampled_from(BASIC + EXTENSION + NON_GSM + ASTRAL), max_size=700
) | st.text(alphabet=st.sampled_from(BASIC + EXTENSION), max_size=700)


@given(texts, st.sampled_from([None, Encoding.GSM7, Encoding.UCS2]))
def test_parts_join_back_and_are_packed_full(text: str, requested: Encoding | None) -> None:
    segments = segment_text(text, requested)
    sent = "".join(segments.parts)
    gsm = all(gsm_septets(c) is not None for c in text)
    if requested is Encoding.GSM7:
        # what GSM-7 cannot carry is `?`, character for character; the rest is intact
        assert len(sent) == len(text)
        pairs = zip(sent, text, strict=True)
        assert all(s == t or (s == "?" and gsm_septets(t) is None) for s, t in pairs)
        text = sent
    else:
        assert sent == text
    if segments.encoding is Encoding.GSM7:
        assert (gsm and requested is not Encoding.UCS2) or requested is Encoding.GSM7
        cost, single, part = septets, 160, 153
    else:
        assert requested is Encoding.UCS2 or (requested is None and not gsm)
        cost, single, part = units, 70, 67
    if segments.count == 1:
        assert cost(text) <= single
        return
    assert cost(text) > single
    assert all(cost(p) <= part for p in segments.parts)
    # packed full: no part could have taken the first character of the next one
    for this, following in zip(segments.parts, segments.parts[1:], strict=False):
        assert this and cost(this) + cost(following[0]) > part


@given(st.integers(0, 600), st.integers(0, 20))
def test_gsm7_part_count_formula(length: int, extension: int) -> None:
    text = "a" * length + "€" * extension
    total = length + 2 * extension
    count = segment_text(text).count
    if total <= 160:
        assert count == 1
    else:
        assert count >= -(-total // 153)  # at least the plain-septet count
        assert count <= -(-total // 152)  # an extension char wastes at most one septet a part


def test_the_gsm7_tables_are_what_the_codec_carries() -> None:
    """Every BMP character and a few beyond: in the tables exactly when `gsm_septets` (the
    codec, a character at a time) says GSM-7 carries it, double exactly when it takes two."""
    for code in [*range(0x10000), 0x1F600, 0x10FFFF]:
        char = chr(code)
        septets = gsm_septets(char)
        assert (char in GSM7_CHARACTERS) == (septets is not None), repr(char)
        assert (char in GSM7_DOUBLE) == (septets == 2), repr(char)


@given(st.text(alphabet=st.sampled_from("aZ0 @£$¥èΔ_\x0c[\\]^{|}~€\x1bé😀ж\n"), max_size=400))
def test_the_gsm7_length_is_the_septets_of_each_character(text: str) -> None:
    each = [gsm_septets(c) for c in text]
    expected = None if None in each else sum(s or 0 for s in each)
    assert gsm7_length(text) == expected
    assert is_gsm7(text) == (expected is not None)
