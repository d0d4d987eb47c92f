"""The whole reference as rows: basic codes, enhanced classes, subjects and
details, vendor replies. ``smtptui explain --list`` prints it; the TUI's
reference pane shows the same rows, so neither renderer decides anything."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from smtptui.i18n import resolve_lang, t
from smtptui.reference.codes import BASIC_CODES
from smtptui.reference.enhanced import CLASSES, DETAILS, SUBJECTS
from smtptui.reference.vendors import VENDOR_CODES, vendor

TABLES: tuple[str, ...] = ("basic", "class", "subject", "enhanced", "vendor")


@dataclass(frozen=True, slots=True)
class TableRow:
    """One line of the reference. ``label`` is the code column as shown
    (``530 5.7.0 (STARTTLS required, RFC 3207)``, ``X.7.8``, ``5.XXX.YYY``);
    ``associated`` lists the registry's basic codes for an enhanced detail;
    ``sample``/``hosts``: a vendor reply as sent, and the vendor's domains."""

    table: str
    code: int | None
    enhanced: str | None
    label: str
    kind: str | None
    title: str
    explanation: str
    phases: tuple[str, ...] = ()
    next_steps: tuple[str, ...] = ()
    rfc: tuple[str, ...] = ()
    vendor: str | None = None
    associated: str | None = None
    sample: str | None = None
    hosts: tuple[str, ...] = ()
    mismatch: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}


_CLASS_KIND = {2: "success", 4: "transient", 5: "permanent"}


def reference_table(
    lang: str | None = None, tables: tuple[str, ...] = TABLES
) -> tuple[TableRow, ...]:
    """Every row of the requested ``tables`` in ``lang``, in reading order."""
    lang = resolve_lang(lang)
    rows: list[TableRow] = []
    if "basic" in tables:
        for c in BASIC_CODES:
            rows.append(
                TableRow(
                    "basic", c.code, c.enhanced, c.label(lang), c.kind, c.title(lang),
                    c.explanation(lang), c.phases, c.next_steps(lang), c.rfc,
                )
            )  # fmt: skip
    if "class" in tables:
        for k in CLASSES:
            rows.append(
                TableRow(
                    "class", None, f"{k}.XXX.YYY", f"{k}.XXX.YYY", _CLASS_KIND[k],
                    t(f"enh.class.{k}.title", lang), t(f"enh.class.{k}.text", lang), rfc=("RFC 3463",),
                )
            )  # fmt: skip
    if "subject" in tables:
        for s in SUBJECTS:
            rows.append(
                TableRow(
                    "subject", None, f"X.{s}.YYY", f"X.{s}.YYY", None,
                    t(f"enh.subject.{s}.title", lang), t(f"enh.subject.{s}.text", lang),
                    rfc=("RFC 3463",),
                )
            )  # fmt: skip
    if "enhanced" in tables:
        for d in DETAILS:
            rows.append(
                TableRow(
                    "enhanced", None, d.pattern, d.pattern, None, d.title(lang),
                    d.explanation(lang), rfc=d.rfc, associated=d.associated_text(lang),
                )
            )  # fmt: skip
    if "vendor" in tables:
        for v in VENDOR_CODES:
            label = " ".join(str(x) for x in (v.code, v.enhanced_label) if x) or "—"
            rows.append(
                TableRow(
                    "vendor", v.code, v.enhanced_label, label,
                    _CLASS_KIND.get((v.code or 0) // 100), v.title(lang), v.explanation(lang),
                    next_steps=v.next_steps(lang), vendor=v.vendor_name(lang), sample=v.sample,
                    hosts=vendor(v.vendor).hosts,
                )
            )  # fmt: skip
    return tuple(rows)
