"""Mozilla autoconfig XML (``config-v1.1.xml``) to SMTP candidates.

The documents come from servers we do not control, so the parser is defensive:
a document that declares a DOCTYPE or an ENTITY is refused before parsing (no
entity expansion, no external entities, no "billion laughs"), and a server entry
with a bad host name or port is skipped with a note rather than failing the rest.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from smtptui.discovery.model import Candidate, DiscoveryError
from smtptui.profiles.schema import normalize_host
from smtptui.protocol.config import DEFAULT_PORTS

_SOCKET_TYPES = {"ssl": "tls", "tls": "tls", "starttls": "starttls", "plain": "plain"}
_FORBIDDEN = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def _substitute(text: str | None, address: str | None, domain: str) -> str | None:
    """Fill Thunderbird's placeholders; ``None`` when one cannot be filled."""
    if text is None:
        return None
    local = address.rpartition("@")[0] if address and "@" in address else None
    value = text.strip().replace("%EMAILDOMAIN%", domain)
    for placeholder, replacement in (("%EMAILADDRESS%", address), ("%EMAILLOCALPART%", local)):
        if placeholder in value:
            if not replacement:
                return None
            value = value.replace(placeholder, replacement)
    return value or None


def parse_autoconfig(
    data: bytes | str, *, source: str, domain: str, address: str | None = None
) -> tuple[list[Candidate], list[str]]:
    """Every ``<outgoingServer type="smtp">`` as a :class:`Candidate`, plus notes on skipped ones.

    Raises :class:`DiscoveryError` for a document that is not autoconfig XML.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if _FORBIDDEN.search(raw):
        raise DiscoveryError("refused XML with a DOCTYPE or ENTITY declaration")
    try:
        root = ET.fromstring(raw)
    except ET.ParseError as exc:
        raise DiscoveryError(f"malformed XML ({exc})") from None
    for element in root.iter():
        if isinstance(element.tag, str):
            element.tag = element.tag.rpartition("}")[2]
    if root.tag != "clientConfig":
        raise DiscoveryError(f"not an autoconfig document (root element <{root.tag}>)")
    candidates: list[Candidate] = []
    notes: list[str] = []
    for provider in root.iter("emailProvider"):
        name = (provider.findtext("displayName") or provider.get("id") or "").strip() or None
        for server in provider.findall("outgoingServer"):
            if server.get("type", "").lower() != "smtp":
                continue
            try:
                candidates.append(_server(server, source, domain, address, name))
            except DiscoveryError as exc:
                notes.append(f"{source}: skipped an outgoing server: {exc}")
    return candidates, notes


def _server(
    server: ET.Element, source: str, domain: str, address: str | None, provider: str | None
) -> Candidate:
    hostname = _substitute(server.findtext("hostname"), address, domain)
    host = normalize_host(hostname) if hostname else None
    if host is None:
        raise DiscoveryError(f"bad or missing hostname {hostname!r}")
    socket_type = (server.findtext("socketType") or "plain").strip().lower()
    security = _SOCKET_TYPES.get(socket_type)
    if security is None:
        raise DiscoveryError(f"unknown socketType {socket_type!r} for {host}")
    port_text = (server.findtext("port") or "").strip()
    if port_text:
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise DiscoveryError(f"bad port {port_text!r} for {host}")
        port = int(port_text)
    else:
        port = DEFAULT_PORTS[security]
    methods = tuple(
        a.text.strip() for a in server.findall("authentication") if a.text and a.text.strip()
    )
    return Candidate(
        host=host,
        port=port,
        security=security,
        source=source,
        username=_substitute(server.findtext("username"), address, domain),
        authentication=methods,
        provider=provider,
        address=address,
    )
