"""The reference's patterns are compiled when first used, and then behave as
compiled ones (the vendor and wording rules' own tests use them throughout)."""

from __future__ import annotations

import re

from smtptui.reference.patterns import LazyPattern, lazy_re


def test_a_lazy_pattern_matches_like_the_compiled_one_and_compiles_once() -> None:
    pattern = lazy_re(r"authorization code|授权码")
    assert pattern._compiled is None, "nothing compiled before it is used"
    assert pattern.search("535 Please enter your AUTHORIZATION CODE") is not None
    compiled = pattern._compiled
    assert isinstance(compiled, re.Pattern) and compiled.flags & re.IGNORECASE
    assert pattern.fullmatch("授权码") is not None and pattern.search("535 denied") is None
    assert pattern._compiled is compiled, "compiled once"
    assert pattern.pattern == "authorization code|授权码"
    assert pattern == LazyPattern("authorization code|授权码", re.IGNORECASE)
