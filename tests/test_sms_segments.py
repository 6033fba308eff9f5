"""Segment counting: known boundaries, plus properties over arbitrary texts (hypothesis)."""
from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from notifier_gui.core.delivery.channels.sms import segments as seg
from notifier_gui.core.delivery.channels.sms.provider import compose_text, length_problem
from notifier_gui.core.sms_providers import SmsLimits

GSM_BASIC = sorted(seg.GSM7_BASIC)
GSM_EXT = sorted(seg.GSM7_EXTENSION)

gsm_text = st.text(alphabet=st.sampled_from(GSM_BASIC + GSM_EXT), max_size=700)
basic_text = st.text(alphabet=st.sampled_from(GSM_BASIC), max_size=700)
any_text = st.text(max_size=400)  # includes astral characters and lone surrogates' neighbours
non_gsm_char = st.characters(blacklist_characters="".join(GSM_BASIC + GSM_EXT), blacklist_categories=("Cs",))


@pytest.mark.parametrize(
    "text, encoding, units, segments, remaining",
    [
        ("", "GSM-7", 0, 0, 160),
        ("a" * 160, "GSM-7", 160, 1, 0),
        ("a" * 161, "GSM-7", 161, 2, 145),
        ("a" * 306, "GSM-7", 306, 2, 0),
        ("a" * 307, "GSM-7", 307, 3, 152),
        ("€" * 80, "GSM-7", 160, 1, 0),  # extension characters take two septets
        ("€" * 81, "GSM-7", 162, 2, 143),
        ("a" * 152 + "€" + "a" * 152, "GSM-7", 306, 3, 152),  # ceil(306/153) is 2, but "€" cannot straddle  # 76 per part (152 septets): an escape pair is never split
        ("{}[]", "GSM-7", 8, 1, 152),
        ("Ж" * 70, "UCS-2", 70, 1, 0),
        ("Ж" * 71, "UCS-2", 71, 2, 63),
        ("Ж" * 134, "UCS-2", 134, 2, 0),
        ("Ж" * 135, "UCS-2", 135, 3, 66),
        ("😀" * 35, "UCS-2", 70, 1, 0),  # emoji are two UTF-16 units
        ("Ж" * 68 + "😀", "UCS-2", 70, 1, 0),
        ("Ж" * 66 + "😀" + "Ж" * 66, "UCS-2", 134, 3, 66),  # the surrogate pair moves whole into part two
        ("a" * 159 + "ё", "UCS-2", 160, 3, 41),  # one Cyrillic letter switches everything to UCS-2
    ],
)
def test_known_boundaries(text: str, encoding: str, units: int, segments: int, remaining: int) -> None:
    info = seg.count(text)
    assert (info.encoding, info.units, info.segments, info.remaining_in_segment) == (encoding, units, segments, remaining)


def test_ucs2_reason_lists_the_offending_characters_once() -> None:
    info = seg.count("Hello ёжик, hello ё!")
    assert info.ucs2_chars == ("ё", "ж", "и", "к")
    assert "ё" in info.characters_note and "UCS-2" in info.characters_note


@settings(max_examples=300)
@given(gsm_text)
def test_gsm_only_text_is_gsm7_and_extension_chars_cost_two(text: str) -> None:
    info = seg.count(text)
    assert info.encoding == "GSM-7"
    assert info.units == len(text) + sum(c in seg.GSM7_EXTENSION for c in text)
    assert info.ucs2_chars == ()


@settings(max_examples=300)
@given(any_text, non_gsm_char, st.integers(min_value=0, max_value=400))
def test_any_non_gsm_char_switches_to_ucs2_counting_utf16_units(text: str, odd: str, at: int) -> None:
    at = min(at, len(text))
    text = text[:at] + odd + text[at:]
    info = seg.count(text)
    assert info.encoding == "UCS-2"
    assert info.units == len(text.encode("utf-16-le", "surrogatepass")) // 2
    assert odd in info.ucs2_chars


@settings(max_examples=300)
@given(st.one_of(gsm_text, any_text))
def test_segment_bounds_and_remaining(text: str) -> None:
    info = seg.count(text)
    single, part = seg.SINGLE[info.encoding], seg.PER_PART[info.encoding]
    assert 0 <= info.remaining_in_segment <= info.per_segment
    if info.units == 0:
        assert info.segments == 0
    elif info.units <= single:
        assert (info.segments, info.per_segment) == (1, single)
        assert info.remaining_in_segment == single - info.units
    else:
        assert info.per_segment == part
        # Every part is full to within one unit (a two-unit character that did not fit).
        assert math.ceil(info.units / part) <= info.segments <= math.ceil(info.units / (part - 1))
        assert info.units <= seg.max_units(info.encoding, info.segments)


@settings(max_examples=200)
@given(basic_text)
def test_single_unit_characters_pack_exactly(text: str) -> None:
    info = seg.count(text)
    if info.units > 160:
        assert info.segments == math.ceil(info.units / 153)
        assert info.remaining_in_segment == info.segments * 153 - info.units


@settings(max_examples=300)
@given(st.one_of(gsm_text, any_text), st.characters(blacklist_categories=("Cs",)))
def test_appending_never_makes_a_text_cheaper(text: str, extra: str) -> None:
    before, after = seg.count(text), seg.count(text + extra)
    assert after.segments >= before.segments
    assert after.units > before.units or after.encoding != before.encoding


def test_max_units() -> None:
    assert seg.max_units("GSM-7", 1) == 160 and seg.max_units("GSM-7", 8) == 1224
    assert seg.max_units("UCS-2", 1) == 70 and seg.max_units("UCS-2", 8) == 536
    assert seg.max_units("UCS-2", 0) == 0


def test_compose_text_puts_the_subject_on_its_own_line() -> None:
    assert compose_text("Disk", "almost full") == "Disk\nalmost full"
    assert compose_text("", "only body") == "only body"
    assert compose_text("Only subject", "") == "Only subject"


def test_length_problem_names_segments_and_limit() -> None:
    eight = SmsLimits(max_segments=8)
    assert length_problem("Ж" * 536, eight, "SMS.ru") is None
    problem = length_problem("Ж" * 537, eight, "SMS.ru")
    assert problem is not None and "9 SMS segments" in problem and "at most 8" in problem and "UCS-2" in problem
    chars = SmsLimits(max_chars=1600)
    assert length_problem("a" * 1600, chars, "Twilio") is None
    problem = length_problem("a" * 1601, chars, "Twilio")
    assert problem is not None and "1,601 characters" in problem and "1,600" in problem and "11 SMS segments" in problem
