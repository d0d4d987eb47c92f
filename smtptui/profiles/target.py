"""TARGET on the command line: a profile name, or a host to talk to ad hoc.

``smtptui check qq`` and ``smtptui check smtp.qq.com:465`` should both just work,
like ``swaks --server``; a near-miss such as ``gmial`` must not silently become a
DNS lookup for a host called ``gmial``, so a bare word that is no profile and not
a plausible host name is an error listing the close profile names.
"""

from __future__ import annotations

from smtptui.profiles.errors import ProfileError, sentence
from smtptui.profiles.model import Profile, security_for_port
from smtptui.profiles.schema import is_ip_address, normalize_host
from smtptui.profiles.store import ProfileStore


def _split_host_port(target: str) -> tuple[str, int | None]:
    text = target.strip()
    if text.startswith("["):
        host, sep, rest = text[1:].partition("]")
        if not sep or (rest and not rest.startswith(":")):
            raise ProfileError(sentence("profile.target.ipv6", target=repr(target)))
        return host, _port(rest[1:], target) if rest else None
    if text.count(":") > 1:
        return text, None  # bare IPv6 literal, no port
    host, sep, port = text.partition(":")
    return host, _port(port, target) if sep else None


def _port(text: str, target: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise ProfileError(sentence("profile.target.port", target=repr(target)))
    return int(text)


def resolve_target(target: str, store: ProfileStore) -> Profile:
    """The profile named *target* (or its slug), else an ad-hoc profile for a host.

    ``host``, ``host:port``, ``[v6::addr]:port`` and bare IPv6 become a profile
    named *target*; the security follows the port (465 TLS, 587 STARTTLS, else
    plain, port 25 when none is given).  Raises :class:`ProfileError`.
    """
    if not target.strip():
        raise ProfileError(sentence("profile.target.none"))
    profile = store.get(target)
    if profile is not None:
        return profile
    host, port = _split_host_port(target)
    normal = normalize_host(host) if host else None
    plausible = normal is not None and (
        port is not None or "." in normal or is_ip_address(normal) or normal.lower() == "localhost"
    )
    if not plausible:
        unknown = store.unknown(target)
        raise ProfileError(
            sentence("profile.target.unknown", unknown=unknown.sentence or unknown.message)
        )
    assert normal is not None
    return Profile(
        name=target.strip(),
        host=normal,
        port=port or 0,
        security=security_for_port(port) if port else "plain",
    )
