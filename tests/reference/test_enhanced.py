"""Enhanced status codes (RFC 3463 + IANA registry) and the mismatch check."""

from __future__ import annotations

import re

import pytest

from smtptui.i18n import t
from smtptui.protocol.reply import EnhancedCode
from smtptui.reference.enhanced import (
    DETAILS,
    all_codes,
    check_mismatch,
    find_mismatch,
    lookup_enhanced,
)

CJK = re.compile(r"[\u4e00-\u9fff]")

#: Every registered detail per subject, as in the IANA registry (X.0.0 … X.7.30).
REGISTRY = {0: 0, 1: 10, 2: 4, 3: 6, 4: 7, 5: 6, 6: 10, 7: 30}


def test_every_registered_detail_is_present():
    expected = {f"X.{s}.{d}" for s, last in REGISTRY.items() for d in range(last + 1)}
    assert set(all_codes()) == expected


@pytest.mark.parametrize(
    "code",
    ["X.1.10", "X.4.2", "X.5.3", "X.7.8", "X.7.9", "X.7.11", *(f"X.7.{n}" for n in range(20, 28)),
     "X.7.29", "X.7.30"],
)  # fmt: skip
def test_codes_named_in_the_issue_are_present(code):
    assert code in all_codes()


@pytest.mark.parametrize(
    ("code", "associated"),
    [("5.7.8", (535, 554)), ("5.1.10", (556,)), ("5.5.6", (500,)), ("5.7.30", (550,)),
     ("5.7.9", (534,)), ("5.7.11", (524, 538)), ("4.7.12", (422, 432)), ("5.1.1", (451, 550)),
     ("5.3.2", (453, 521)), ("5.7.29", (550,)), ("4.7.24", (451, 550))],
)  # fmt: skip
def test_associated_basic_codes_follow_the_registry(code, associated):
    info = lookup_enhanced(code)
    assert info.registered and info.detail is not None
    assert info.detail.associated == associated


def test_every_detail_class_and_subject_has_text_in_both_languages():
    for d in DETAILS:
        for lang in ("en", "zh"):
            assert d.title(lang) and d.explanation(lang), d.pattern
        assert CJK.search(d.title("zh")) and CJK.search(d.explanation("zh")), d.pattern
    for k in (2, 4, 5):
        assert CJK.search(t(f"enh.class.{k}.title", "zh"))
    for s in range(8):
        assert CJK.search(t(f"enh.subject.{s}.text", "zh"))


def test_english_titles_are_the_registry_sample_texts():
    assert lookup_enhanced("5.7.8").title("en") == "Authentication credentials invalid"
    assert lookup_enhanced("4.5.3").title("en") == "Too many recipients"
    assert lookup_enhanced("5.7.30").title("en") == "REQUIRETLS support required"
    # Chinese keeps the registry wording in brackets, so it can be searched.
    assert "Authentication credentials invalid" in lookup_enhanced("5.7.8").title("zh")


def test_an_unregistered_detail_keeps_class_and_subject():
    info = lookup_enhanced(EnhancedCode(5, 7, 139))
    assert not info.registered and info.kind == "permanent"
    assert "Security or policy status" in info.title("en")
    assert "安全或策略" in info.title("zh")


def test_a_malformed_enhanced_code_is_refused():
    with pytest.raises(ValueError):
        lookup_enhanced("5.7")
    with pytest.raises(ValueError):
        lookup_enhanced("3.0.0")


@pytest.mark.parametrize(
    ("code", "enhanced"),
    [(250, "5.7.1"), (535, "2.7.0"), (451, "5.3.0"), (550, "4.2.2"), (220, "5.0.0")],
)
def test_class_contradicting_the_basic_code_is_an_error(code, enhanced):
    m = find_mismatch(code, enhanced)
    assert m is not None and m.severity == "error"
    en = check_mismatch(code, enhanced, "en")
    assert en.startswith("Contradiction") and str(code) in en and enhanced in en
    assert "自相矛盾" in check_mismatch(code, enhanced, "zh")


@pytest.mark.parametrize(("code", "enhanced"), [(554, "5.1.1"), (550, "5.7.8"), (250, "2.1.1")])
def test_pairs_the_registry_does_not_associate_get_a_note(code, enhanced):
    m = find_mismatch(code, enhanced)
    assert m is not None and m.severity == "note"
    assert "IANA" in m.message("en") and "IANA" in m.message("zh")


@pytest.mark.parametrize(
    ("code", "enhanced"),
    [(535, "5.7.8"), (550, "5.1.1"), (250, "2.0.0"), (250, "2.1.0"), (530, "5.7.0"),
     (452, "4.5.3"), (554, "5.7.1"), (450, "4.7.1"), (421, "4.7.0"), (452, "4.2.2"),
     (500, "5.5.6"), (535, "5.7.139"), (550, "5.7.26"), (221, "2.0.0"), (235, "2.7.0"),
     (535, None)],
)  # fmt: skip
def test_everyday_pairs_are_not_flagged(code, enhanced):
    assert check_mismatch(code, enhanced) is None
