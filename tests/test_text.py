"""`clean_text`, the one rule for untrusted text: invisible format characters made visible by
their absence, what right-to-left scripts and emoji need kept."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crawler.text import clean_text

# Format characters (Cf) that stay: the bidi marks, the Arabic and Syriac signs spanning the
# digits after them (visible), and ZWNJ/ZWJ (kept only between two non-ASCII characters).
KEPT = {0x061C, 0x200E, 0x200F, *range(0x0600, 0x0606), 0x06DD, 0x070F, 0x0890, 0x0891, 0x08E2,
        0x200C, 0x200D}


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("pay\u200bpal", "paypal"),  # zero-width space
        ("pay\u200dpal", "paypal"),  # ZWJ between ASCII letters: hides, joins nothing
        ("pay\u200cpal", "paypal"),
        ("pay\u2060pal", "paypal"),  # word joiner
        ("pay\u00adpal", "paypal"),  # soft hyphen
        ("\ufeffpaypal", "paypal"),
        ("pay\U000e0070\U000e0061\U000e0079pal", "paypal"),  # tag characters: a hidden "pay"
        ("\u200dé\u200d\u200dé\u200d", "éé"),  # a run of joiners joins nothing
        ("x\u200d\u200d\u200dy", "xy"),
        ("a \u200c b", "a b"),
        ("می\u200cخواهم", "می\u200cخواهم"),  # Persian needs its ZWNJ
        ("क्\u200dष", "क्\u200dष"),  # Devanagari half form
        ("👩\u200d💻 team", "👩\u200d💻 team"),  # an emoji ZWJ sequence
        ("עברית\u200f ok", "עברית\u200f ok"),
        ("\u0600١٢٣", "\u0600١٢٣"),
    ],
)
def test_invisible_characters_go_and_scripts_keep_theirs(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


def test_every_format_character_is_removed_or_deliberately_kept() -> None:
    format_characters = [c for c in range(0x110000) if unicodedata.category(chr(c)) == "Cf"]
    removed = [c for c in format_characters if c not in KEPT]
    assert clean_text("a" + "".join(chr(c) for c in removed) + "b") == "ab"
    for code in sorted(KEPT - {0x200C, 0x200D}):
        assert chr(code) in clean_text(f"\u0627{chr(code)}\u0628"), hex(code)
    # The whole tag block goes, assigned or not.
    assert clean_text("a" + "".join(map(chr, range(0xE0000, 0xE0080))) + "b") == "ab"


@given(st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from(
    ["\u200c", "\u200d", "\u200b", "\u00ad", "\U000e0041", " ", "a", "\u0628"])))
def test_clean_text_is_idempotent_and_leaves_no_stray_joiner(text: str) -> None:
    once = clean_text(text)
    assert clean_text(once) == once
    for i, char in enumerate(once):
        if char in "\u200c\u200d":
            assert 0 < i < len(once) - 1, once
            assert not (once[i - 1].isascii() or once[i + 1].isascii()), once
            assert once[i + 1] not in "\u200c\u200d", once
