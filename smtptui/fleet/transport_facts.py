"""What ``check --all --inspect`` learns about one profile's transport security,
as a frozen value for a table cell, a JSON line and the saved history.

Three verdicts, each with its reasons as catalogue sentences (so a saved
result reads in English or Chinese when it is shown):

- ``chain``: the certificate chain the server sent, verified against the
  trust store and the server's name — ``ok``, ``failed``, ``error`` (no
  handshake) or ``n/a`` (no TLS, or the check never got that far);
- ``dane``: the ``_PORT._tcp.<name>`` TLSA records matched against that chain —
  ``match``, ``mismatch``, ``unusable``, ``none`` (no records), ``error`` or
  ``n/a`` (an IP address or the built-in server: no name to look up);
- ``mta_sts``: the profile's ``mail_domain`` policy checked against this
  server — ``enforce``, ``testing``, ``none``, ``inconsistent``, ``error`` or
  ``n/a`` (the profile names no mail domain);

and the domain's TLS-RPT record (``ok``, ``none``, ``invalid``, ``error``, ``n/a``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from smtptui.i18n.sentence import Sentence

#: Cell states that are fine, and those that are a failure to explain.
GOOD = {"chain": ("ok",), "dane": ("match",), "mta_sts": ("enforce",)}
BAD = {
    "chain": ("failed", "error"),
    "dane": ("mismatch", "unusable", "error"),
    "mta_sts": ("inconsistent", "error"),
}


@dataclass(frozen=True, slots=True)
class TransportFacts:
    chain: str = "n/a"
    chain_why: Sentence | None = None
    dane: str = "n/a"
    dane_name: str | None = None  # _25._tcp.mx.example.com
    dane_ad: bool | None = None  # the resolver's AD bit on the TLSA answer
    dane_why: tuple[Sentence, ...] = ()
    mail_domain: str | None = None
    mta_sts: str = "n/a"
    #: (problem, what to change) for MTA-STS, or the n/a / error reason alone
    mta_sts_why: tuple[tuple[Sentence, Sentence | None], ...] = ()
    tlsrpt: str = "n/a"
    tlsrpt_why: Sentence | None = None

    def state(self, column: str) -> str:
        return getattr(self, column)

    def state_text(self, column: str, lang: str | None = "en") -> str:
        """The state as a table shows it (``n/a``; ``不适用`` in Chinese)."""
        from smtptui.i18n import t

        state = self.state(column)
        return t(f"inspect.fleet.state.{'na' if state == 'n/a' else state}", lang)

    def reasons(self, column: str) -> list[tuple[Sentence, Sentence | None]]:
        """Why ``column`` is what it is: (sentence, what to change or None)."""
        if column == "chain":
            return [(self.chain_why, None)] if self.chain_why else []
        if column == "dane":
            return [(s, None) for s in self.dane_why]
        return list(self.mta_sts_why)

    def to_dict(self) -> dict[str, Any]:
        def one(s: Sentence | None) -> dict[str, Any] | None:
            return s.to_dict() if s else None

        return {
            "chain": self.chain,
            "chain_why": one(self.chain_why),
            "dane": self.dane,
            "dane_name": self.dane_name,
            "dane_ad": self.dane_ad,
            "dane_why": [s.to_dict() for s in self.dane_why],
            "mail_domain": self.mail_domain,
            "mta_sts": self.mta_sts,
            "mta_sts_why": [{"why": w.to_dict(), "fix": one(f)} for w, f in self.mta_sts_why],
            "tlsrpt": self.tlsrpt,
            "tlsrpt_why": one(self.tlsrpt_why),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TransportFacts:
        def one(value: Any) -> Sentence | None:
            return Sentence.from_dict(value) if isinstance(value, dict) else None

        return cls(
            chain=str(data.get("chain", "n/a")),
            chain_why=one(data.get("chain_why")),
            dane=str(data.get("dane", "n/a")),
            dane_name=data.get("dane_name"),
            dane_ad=data.get("dane_ad"),
            dane_why=tuple(Sentence.from_dict(s) for s in data.get("dane_why") or ()),
            mail_domain=data.get("mail_domain"),
            mta_sts=str(data.get("mta_sts", "n/a")),
            mta_sts_why=tuple(
                (Sentence.from_dict(item["why"]), one(item.get("fix")))
                for item in data.get("mta_sts_why") or ()
            ),
            tlsrpt=str(data.get("tlsrpt", "n/a")),
            tlsrpt_why=one(data.get("tlsrpt_why")),
        )
