"""SMTP TLS Reporting (RFC 8460): the ``_smtp._tls.<domain>`` TXT record that
says where senders report the TLS failures they see (``rua=mailto:…`` or
``https:…``).  Without it a domain that uses MTA-STS or DANE never hears that
senders cannot reach it securely; with it, mode ``testing`` becomes useful.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from smtptui.i18n.sentence import Sentence


def record_name(domain: str) -> str:
    return f"_smtp._tls.{domain}"


@dataclass(frozen=True, slots=True)
class TlsRpt:
    """``state``: ``ok`` (one valid record), ``none`` (no record), ``invalid``
    (``why`` says how), ``error`` (the lookup failed; ``why`` says why)."""

    state: str
    record: str | None = None
    rua: tuple[str, ...] = ()
    why: Sentence | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "record": self.record,
            "rua": list(self.rua),
            "why": self.why.to_dict() if self.why else None,
        }


def _invalid(record: str | None, key: str, **values: object) -> TlsRpt:
    return TlsRpt("invalid", record, why=Sentence.of(f"inspect.tlsrpt.invalid.{key}", **values))


def parse_tlsrpt(records: list[str]) -> TlsRpt:
    """RFC 8460 §3: records not starting with ``v=TLSRPTv1`` are ignored;
    exactly one must remain, with a ``rua`` of ``mailto:`` or ``https:`` URIs."""
    mine = [r.strip() for r in records if r.strip().startswith("v=TLSRPTv1")]
    if not mine:
        return TlsRpt("none")
    if len(mine) > 1:
        return _invalid(None, "several", n=len(mine))
    record = mine[0]
    parts = [p.strip() for p in record.split(";")]
    if parts[0] != "v=TLSRPTv1":
        return _invalid(record, "version")
    fields: dict[str, str] = {}
    for part in parts[1:]:
        if not part:
            continue
        key, sep, value = part.partition("=")
        if not sep:
            return _invalid(record, "field", field=part[:40])
        fields.setdefault(key.strip().lower(), value.strip())
    rua = tuple(u.strip() for u in fields.get("rua", "").split(",") if u.strip())
    if not rua:
        return _invalid(record, "no_rua")
    wrong = [u for u in rua if not u.lower().startswith(("mailto:", "https:"))]
    if wrong:
        return _invalid(record, "scheme", uri=wrong[0][:60])
    return TlsRpt("ok", record, rua)


async def lookup_tlsrpt(resolver: Any, domain: str) -> TlsRpt:
    """Look up and parse ``_smtp._tls.<domain>``; a failed lookup is
    ``state="error"``, never an exception."""
    from smtptui.inspection.errors import InspectionError
    from smtptui.inspection.mx import query, txt_strings

    try:
        answer = await query(resolver, record_name(domain), "TXT")
    except InspectionError as exc:
        return TlsRpt("error", why=exc.sentence)
    return parse_tlsrpt(txt_strings(answer))
