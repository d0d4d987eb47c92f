"""MTA-STS (RFC 8461): the ``_mta-sts`` TXT record and the policy file.

Shown as information for admins: which mode the domain asks senders to enforce
and whether its MX hosts are covered by the policy's ``mx`` patterns -- a
mismatch means senders that enforce MTA-STS will not deliver.
"""

from __future__ import annotations

import re

from smtptui.discovery.model import DiscoveryError, MtaStsPolicy

MODES = ("enforce", "testing", "none")
_KEY = re.compile(r"[A-Za-z0-9_]+")


def parse_sts_txt(records: list[str]) -> str | None:
    """The policy ``id`` from the TXT records (``v=STSv1; id=...;``), or ``None``.

    Several STSv1 records mean "no policy" per the RFC, reported as an error.
    """
    sts = [r for r in records if r.strip().startswith("v=STSv1")]
    if not sts:
        return None
    if len(sts) > 1:
        raise DiscoveryError("more than one v=STSv1 TXT record, so senders ignore MTA-STS")
    fields = dict(part.strip().partition("=")[::2] for part in sts[0].split(";") if "=" in part)
    policy_id = fields.get("id", "").strip()
    if not re.fullmatch(r"[A-Za-z0-9]{1,32}", policy_id):
        raise DiscoveryError(f"the v=STSv1 TXT record has no valid id (got {policy_id!r})")
    return policy_id


def parse_policy(text: str, *, url: str | None = None, txt_id: str | None = None) -> MtaStsPolicy:
    """Parse a ``mta-sts.txt`` policy; :class:`DiscoveryError` says what is wrong."""
    values: dict[str, list[str]] = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        key, sep, value = line.partition(":")
        if not sep or not _KEY.fullmatch(key.strip()):
            raise DiscoveryError(f"policy line is not 'key: value': {line.strip()[:60]!r}")
        values.setdefault(key.strip().lower(), []).append(value.strip())
    version = (values.get("version") or [""])[0]
    if version != "STSv1":
        raise DiscoveryError(f"policy version must be STSv1, not {version!r}")
    mode = (values.get("mode") or [""])[0].lower()
    if mode not in MODES:
        raise DiscoveryError(f"policy mode must be enforce, testing or none, not {mode!r}")
    max_age_text = (values.get("max_age") or [""])[0]
    if not max_age_text.isdigit():
        raise DiscoveryError(f"policy max_age must be a number of seconds, not {max_age_text!r}")
    mx = tuple(values.get("mx", []))
    if mode != "none" and not mx:
        raise DiscoveryError(f"policy mode {mode} lists no mx patterns")
    return MtaStsPolicy(
        mode=mode, mx=mx, max_age=int(max_age_text), version=version, txt_id=txt_id, url=url
    )


def policy_warnings(policy: MtaStsPolicy, mx_hosts: list[str]) -> list[str]:
    """A warning per MX host that the policy does not cover (modes enforce/testing)."""
    if policy.mode == "none":
        return []
    effect = (
        "senders that enforce MTA-STS will not deliver to it"
        if policy.mode == "enforce"
        else "senders will report failures for it (mode testing)"
    )
    patterns = ", ".join(policy.mx)
    return [
        f"MX host {host} does not match the MTA-STS policy's mx patterns ({patterns}); {effect}"
        for host in mx_hosts
        if not policy.matches(host)
    ]
