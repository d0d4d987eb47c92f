"""Cipher suites as an admin reads them: grouped into NULL, anonymous,
export, LOW, RC4, 3DES, obsolete CBC and AEAD, with the key exchange that
decides forward secrecy — and which of them the local OpenSSL can offer at
all (a scan cannot find what its own library cannot ask for; that is said,
not hidden).

Groups come from OpenSSL's own cipher-string classes (``eNULL``, ``aNULL``,
``EXPORT``, ``LOW``, ``RC4``, ``3DES``); AEAD from the mode in the suite's
name (GCM, CCM, ChaCha20-Poly1305); everything else with a block cipher is
CBC.  PSK and SRP suites need a shared secret and are never offered.
"""

from __future__ import annotations

import re
from functools import cache

#: Category names, worst first (``inspect.cat.<name>`` in the catalogue).
CATEGORIES: tuple[str, ...] = ("null", "anon", "export", "low", "rc4", "3des", "cbc", "aead")
#: How admins and tools write each category (the same in every language).
LABELS = {
    "null": "NULL",
    "anon": "aNULL",
    "export": "EXPORT",
    "low": "LOW",
    "rc4": "RC4",
    "3des": "3DES",
    "cbc": "CBC",
    "aead": "AEAD",
}
#: OpenSSL cipher-string class of each category that has one.
_CLASS = {
    "null": "eNULL",
    "anon": "aNULL",
    "export": "EXPORT",
    "low": "LOW",
    "rc4": "RC4",
    "3des": "3DES",
}
_AEAD = re.compile(r"GCM|CCM|CHACHA20|POLY1305")
_NO_SECRET = ":!PSK:!SRP:!kRSAPSK:!kECDHEPSK:!kDHEPSK"
#: Key-exchange families (``inspect.kx.<name>``): only (EC)DHE gives forward secrecy.
KX_FAMILIES: tuple[str, ...] = ("ecdhe", "dhe", "rsa", "anon_ecdh", "anon_dh", "other")


@cache
def _names(cipher_string: str) -> tuple[str, ...]:
    """The TLS 1.2-and-older suites ``cipher_string`` selects in the local OpenSSL."""
    from OpenSSL import SSL

    try:
        ctx = SSL.Context(SSL.TLS_CLIENT_METHOD)
        ctx.set_cipher_list(f"{cipher_string}{_NO_SECRET}:@SECLEVEL=0".encode("ascii"))
        names = SSL.Connection(ctx, None).get_cipher_list()
    except SSL.Error:
        return ()
    return tuple(n for n in names if not n.startswith("TLS_"))


@cache
def local_suites() -> tuple[str, ...]:
    """Every TLS ≤ 1.2 suite the local OpenSSL can offer (PSK/SRP excluded)."""
    return _names("ALL:COMPLEMENTOFALL")


@cache
def tls13_suites() -> tuple[str, ...]:
    """The TLS 1.3 suites OpenSSL knows (all AEAD; CCM ones are off by default)."""
    return (
        "TLS_AES_256_GCM_SHA384",
        "TLS_CHACHA20_POLY1305_SHA256",
        "TLS_AES_128_GCM_SHA256",
        "TLS_AES_128_CCM_SHA256",
        "TLS_AES_128_CCM_8_SHA256",
    )


def category(name: str) -> str:
    """The admin's group of a suite, by OpenSSL's own classes."""
    if name.startswith("TLS_"):
        return "aead"
    for cat in CATEGORIES[:6]:
        if name in _names(_CLASS[cat]):
            return cat
    return "aead" if _AEAD.search(name) else "cbc"


def by_category() -> dict[str, tuple[str, ...]]:
    """Local suites per category; an empty tuple means *cannot be tested here*."""
    out: dict[str, list[str]] = {c: [] for c in CATEGORIES}
    for name in local_suites():
        out[category(name)].append(name)
    return {c: tuple(v) for c, v in out.items()}


def key_exchange(name: str) -> str:
    """The key-exchange family from OpenSSL's suite name."""
    if name.startswith("TLS_"):
        return "ecdhe"  # TLS 1.3: always (EC)DHE
    if name.startswith("AECDH-"):
        return "anon_ecdh"
    if name.startswith("ADH-"):
        return "anon_dh"
    if name.startswith("ECDHE-"):
        return "ecdhe"
    if name.startswith(("DHE-", "EDH-")):
        return "dhe"
    if name.startswith(("ECDH-", "DH-", "PSK-", "SRP-", "GOST")):
        return "other"
    return "rsa"


def forward_secret(name: str) -> bool:
    return key_exchange(name) in ("ecdhe", "dhe", "anon_ecdh", "anon_dh")
