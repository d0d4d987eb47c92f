"""Enhanced status codes: RFC 3463 and the IANA registry that RFC 5248 created.

``class.subject.detail``: the class repeats the basic code's verdict (2, 4, 5),
the subject says which part of the system is concerned (0–7), the detail names
the exact condition. The registry also lists, for each detail, the basic codes
it is meant to travel with; :func:`check_mismatch` uses that to flag
contradictions a server should never send (``250 5.7.1``) and, more softly,
unusual pairings.

Registry data (associated codes and references) follows the IANA
"SMTP Enhanced Status Codes" registry; the texts (IANA's sample text as the
English title) live in the catalogue under ``enh.*``.
"""

from __future__ import annotations

from dataclasses import dataclass

from smtptui.i18n import t
from smtptui.protocol.reply import EnhancedCode

CLASSES: tuple[int, ...] = (2, 4, 5)
SUBJECTS: tuple[int, ...] = (0, 1, 2, 3, 4, 5, 6, 7)

#: Basic-code families the registry uses instead of a list.
ANY = "Any"
NOT_GIVEN = "Not given"


@dataclass(frozen=True, slots=True)
class EnhancedDetail:
    """One registered ``X.subject.detail`` code.

    ``associated`` is the registry's list of basic codes (empty when the
    registry says "Not given"; ``any_code`` when it says "Any"; ``family`` is 4
    or 5 when it says "4XX"/"5XX"). ``also_seen`` are pairings that are not in
    the registry but that RFC 5321 itself or major MTAs use routinely; they are
    not reported as unusual.
    """

    subject: int
    detail: int
    associated: tuple[int, ...]
    rfc: tuple[str, ...]
    any_code: bool = False
    families: tuple[int, ...] = ()
    also_seen: tuple[int, ...] = ()
    deprecated: bool = False

    @property
    def pattern(self) -> str:
        return f"X.{self.subject}.{self.detail}"

    @property
    def key(self) -> str:
        return f"enh.{self.subject}.{self.detail}"

    def title(self, lang: str | None = None) -> str:
        return t(f"{self.key}.title", lang)

    def explanation(self, lang: str | None = None) -> str:
        return t(f"{self.key}.text", lang)

    def associated_text(self, lang: str | None = None) -> str:
        if self.any_code:
            return t("ui.assoc.any", lang)
        parts = [str(c) for c in self.associated] + [f"{f}XX" for f in self.families]
        return ", ".join(parts) if parts else t("ui.assoc.not_given", lang)

    def allows(self, code: int) -> bool | None:
        """Whether the registry pairs this detail with ``code``; ``None`` when it
        does not say (Any / Not given)."""
        if self.any_code or not (self.associated or self.families):
            return None
        return code in self.associated or code in self.also_seen or code // 100 in self.families


def _d(
    subject: int,
    detail: int,
    associated: tuple[int, ...] | str,
    *rfc: str,
    also_seen: tuple[int, ...] = (),
    families: tuple[int, ...] = (),
    deprecated: bool = False,
) -> EnhancedDetail:
    any_code = associated == ANY
    codes = () if isinstance(associated, str) else associated
    return EnhancedDetail(
        subject, detail, codes, rfc or ("RFC 3463",), any_code, families, also_seen, deprecated
    )


_NG = NOT_GIVEN
R3463 = "RFC 3463"
R4954 = "RFC 4954"
R5248 = "RFC 5248"
R6531 = "RFC 6531"
R6710 = "RFC 6710"
R7293 = "RFC 7293"
R7372 = "RFC 7372"

DETAILS: tuple[EnhancedDetail, ...] = (
    _d(0, 0, ANY, R3463),
    _d(1, 0, _NG, R3463),
    _d(1, 1, (451, 550), R3463),
    _d(1, 2, _NG, R3463),
    _d(1, 3, (501,), R3463),
    _d(1, 4, _NG, R3463),
    _d(1, 5, (250,), R3463),
    _d(1, 6, _NG, R3463),
    _d(1, 7, _NG, R3463),
    _d(1, 8, (451, 501), R3463),
    _d(1, 9, _NG, "RFC 3886"),
    _d(1, 10, (556,), "RFC 7505", "RFC 7504"),
    _d(2, 0, _NG, R3463),
    _d(2, 1, _NG, R3463),
    # RFC 3463 itself calls "mailbox full" a persistent transient failure: 452 4.2.2.
    _d(2, 2, (552,), R3463, also_seen=(452,)),
    _d(2, 3, (552,), R3463),
    _d(2, 4, (450, 452), R3463),
    _d(3, 0, (221, 250, 421, 451, 550, 554), R3463),
    _d(3, 1, (452,), R3463),
    _d(3, 2, (453, 521), R3463, "RFC 7504"),
    _d(3, 3, _NG, R3463),
    _d(3, 4, (552, 554), R3463),
    _d(3, 5, _NG, R3463),
    _d(3, 6, (250, 251), R6710),
    _d(4, 0, _NG, R3463),
    _d(4, 1, (451,), R3463),
    _d(4, 2, (421,), R3463),
    _d(4, 3, (451, 550), R3463),
    _d(4, 4, _NG, R3463),
    _d(4, 5, (451,), R3463),
    _d(4, 6, _NG, R3463),
    _d(4, 7, _NG, R3463),
    _d(5, 0, (220, 250, 251, 252, 253, 451, 452, 454, 458, 459, 501, 502, 503, 554), R3463),
    _d(5, 1, (430, 500, 501, 503, 530, 550, 554, 555), R3463),
    # Postfix: "504 5.5.2 <name>: Helo command rejected: need fully-qualified hostname".
    _d(5, 2, (500, 501, 502, 550, 555), R3463, also_seen=(504,)),
    # RFC 5321 §4.5.3.1.10 answers "too many recipients" with 452.
    _d(5, 3, (451,), R3463, also_seen=(452,)),
    _d(5, 4, (451, 501, 502, 503, 504, 550, 555), R3463),
    _d(5, 5, _NG, R3463),
    _d(5, 6, (500,), R4954),
    _d(6, 0, _NG, R3463),
    _d(6, 1, _NG, R3463),
    _d(6, 2, _NG, R3463),
    _d(6, 3, (554,), R3463),
    _d(6, 4, (250,), R3463),
    _d(6, 5, _NG, R3463),
    _d(6, 6, (554,), "RFC 4468"),
    _d(6, 7, (553, 550), R6531),
    _d(6, 8, (252, 553, 550), R6531),
    _d(6, 9, (550,), R6531),
    _d(6, 10, _NG, R6531, deprecated=True),
    # Gmail: "421-4.7.0 Try again later, closing connection."
    _d(7, 0, (220, 235, 450, 454, 500, 501, 503, 504, 530, 535, 550), R3463, also_seen=(421,)),
    # Postfix: "450 4.7.1 Client host rejected", "554 5.7.1 <x>: Relay access denied".
    _d(7, 1, (451, 454, 502, 503, 533, 550, 551), R3463, also_seen=(450, 554)),
    _d(7, 2, (550,), R3463),
    _d(7, 3, _NG, R3463),
    _d(7, 4, (504,), R3463),
    _d(7, 5, _NG, R3463),
    _d(7, 6, _NG, R3463),
    _d(7, 7, _NG, R3463),
    _d(7, 8, (535, 554), R4954),
    _d(7, 9, (534,), R4954),
    _d(7, 10, (523,), R5248),
    _d(7, 11, (524, 538), R4954),
    _d(7, 12, (422, 432), R4954),
    _d(7, 13, (525,), R5248),
    _d(7, 14, (535, 554), R5248),
    _d(7, 15, (450, 550), R6710, families=(4, 5)),
    _d(7, 16, (552,), R6710, families=(4, 5)),
    _d(7, 17, (), R7293, families=(5,)),
    _d(7, 18, (), R7293, families=(5,)),
    _d(7, 19, (), R7293, families=(5,)),
    _d(7, 20, (550,), R7372, "RFC 6376"),
    _d(7, 21, (550,), R7372, "RFC 6376"),
    _d(7, 22, (550,), R7372, "RFC 6376"),
    _d(7, 23, (550,), R7372, "RFC 7208"),
    _d(7, 24, (451, 550), R7372, "RFC 7208"),
    _d(7, 25, (550,), R7372, "RFC 7601"),
    _d(7, 26, (550,), R7372),
    _d(7, 27, (550,), "RFC 7505"),
    _d(7, 28, _NG, "draft-levine-mailbomb-header"),
    _d(7, 29, (550,), "RFC 8617"),
    _d(7, 30, (550,), "RFC 8689"),
)

_BY_KEY: dict[tuple[int, int], EnhancedDetail] = {(d.subject, d.detail): d for d in DETAILS}


def coerce(enhanced: EnhancedCode | str | None) -> EnhancedCode | None:
    """``EnhancedCode`` from ``"5.7.8"``; ``None`` for ``None``; ``ValueError`` if malformed."""
    if enhanced is None or isinstance(enhanced, EnhancedCode):
        return enhanced
    parsed = EnhancedCode.parse(enhanced)
    if parsed is None or str(parsed) != enhanced.strip():
        raise ValueError(f"{enhanced!r} is not an enhanced status code such as 5.7.8")
    return parsed


def detail(subject: int, number: int) -> EnhancedDetail | None:
    return _BY_KEY.get((subject, number))


@dataclass(frozen=True, slots=True)
class EnhancedInfo:
    """What is known about one concrete enhanced code such as ``5.7.8``."""

    code: EnhancedCode
    registered: bool
    detail: EnhancedDetail | None

    @property
    def kind(self) -> str:
        return {2: "success", 4: "transient", 5: "permanent"}[self.code.klass]

    @property
    def rfc(self) -> tuple[str, ...]:
        return self.detail.rfc if self.detail else (R3463,)

    def class_title(self, lang: str | None = None) -> str:
        return t(f"enh.class.{self.code.klass}.title", lang)

    def subject_title(self, lang: str | None = None) -> str:
        if self.code.subject in SUBJECTS:
            return t(f"enh.subject.{self.code.subject}.title", lang)
        return t("enh.subject.unknown.title", lang, subject=self.code.subject)

    def title(self, lang: str | None = None) -> str:
        if self.detail:
            return self.detail.title(lang)
        return t("enh.unregistered.title", lang, code=self.code, subject=self.subject_title(lang))

    def explanation(self, lang: str | None = None) -> str:
        """Detail text when registered; otherwise what class and subject still tell."""
        if self.detail:
            return self.detail.explanation(lang)
        subject = (
            t(f"enh.subject.{self.code.subject}.text", lang)
            if self.code.subject in SUBJECTS
            else t("enh.subject.unknown.title", lang, subject=self.code.subject)
        )
        return t(
            "enh.unregistered.text",
            lang,
            code=self.code,
            klass=t(f"enh.class.{self.code.klass}.text", lang),
            subject=subject,
        )


def lookup_enhanced(enhanced: EnhancedCode | str) -> EnhancedInfo:
    """Registry facts for ``enhanced`` (``"5.7.8"`` or an ``EnhancedCode``).

    Unregistered details (``5.7.139`` from Microsoft 365) still get class and
    subject; ``registered`` is false so callers can look for a vendor meaning.
    """
    code = coerce(enhanced)
    assert code is not None
    found = detail(code.subject, code.detail)
    return EnhancedInfo(code, found is not None, found)


@dataclass(frozen=True, slots=True)
class Mismatch:
    """A disagreement between a basic and an enhanced code.

    ``severity`` is ``"error"`` (the two contradict each other: the server is
    buggy or the text is misleading) or ``"note"`` (legal but not a pairing the
    registry lists).
    """

    severity: str
    key: str
    code: int
    enhanced: EnhancedCode
    rfc: str

    def message(self, lang: str | None = None) -> str:
        found = detail(self.enhanced.subject, self.enhanced.detail)
        return t(
            self.key,
            lang,
            code=self.code,
            enhanced=self.enhanced,
            basic_kind=t(f"kind.{_kind(self.code)}", lang),
            enhanced_kind=t(f"kind.{_kind(self.enhanced.klass * 100)}", lang),
            associated=found.associated_text(lang) if found else "",
        )


def _kind(code: int) -> str:
    return {1: "preliminary", 2: "success", 3: "intermediate", 4: "transient", 5: "permanent"}.get(
        code // 100, "unknown"
    )


def find_mismatch(code: int, enhanced: EnhancedCode | str | None) -> Mismatch | None:
    """Structured form of :func:`check_mismatch`."""
    enh = coerce(enhanced)
    if enh is None:
        return None
    if code // 100 == 3:
        return Mismatch("error", "mismatch.intermediate", code, enh, "RFC 2034")
    if enh.klass != code // 100:
        return Mismatch("error", "mismatch.class", code, enh, "RFC 2034")
    found = detail(enh.subject, enh.detail)
    if found is not None and found.allows(code) is False:
        return Mismatch("note", "mismatch.associated", code, enh, "RFC 5248")
    return None


def check_mismatch(
    code: int, enhanced: EnhancedCode | str | None, lang: str | None = None
) -> str | None:
    """One sentence when ``code`` and ``enhanced`` disagree, else ``None``.

    ``250 5.7.1`` or ``535 2.7.0``: the class contradicts the basic code (RFC
    2034 requires them to agree). ``554 5.1.1``-style pairs the registry does
    not associate get a softer note. No enhanced code → ``None``.
    """
    found = find_mismatch(code, enhanced)
    return found.message(lang) if found else None


def all_codes() -> tuple[str, ...]:
    """``X.0.0`` … ``X.7.30``: every registered detail, registry order."""
    return tuple(d.pattern for d in DETAILS)
