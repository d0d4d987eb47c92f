"""A bounded HTTP GET for discovery: few redirects, small bodies, clear failures.

Autoconfig and MTA-STS servers are strangers: a response may be huge, endless,
a redirect loop or a downgrade to plain HTTP.  :func:`fetch` follows at most
:data:`MAX_REDIRECTS` redirects (none for MTA-STS, as RFC 8461 requires), never
from https to http, streams the body and stops at :data:`MAX_BYTES`, and turns
every failure into a :class:`~smtptui.discovery.model.DiscoveryError` with one
short clause.  The caller bounds the time (``asyncio.timeout``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from smtptui.discovery.model import DiscoveryError

if TYPE_CHECKING:
    import httpx

MAX_BYTES = 256 * 1024
MAX_REDIRECTS = 3
_REDIRECTS = (301, 302, 303, 307, 308)


@dataclass(frozen=True, slots=True)
class Fetched:
    url: str
    content_type: str
    body: bytes


def _failure(exc: Exception) -> DiscoveryError:
    """One clause for an httpx failure; a certificate that does not verify is
    told apart (MTA-STS depends on it)."""
    import ssl

    import httpx

    if isinstance(exc, httpx.TimeoutException):
        return DiscoveryError.of("inspect.fetch.timeout")
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ssl.SSLCertVerificationError):
            detail = cause.verify_message or str(cause)
            return DiscoveryError.of("inspect.fetch.tls_invalid", detail=detail[:160])
        cause = cause.__cause__ or cause.__context__
    text = str(exc).strip() or type(exc).__name__
    if isinstance(exc, httpx.ConnectError):
        return DiscoveryError.of("inspect.fetch.connect", detail=text[:180])
    return DiscoveryError.of("inspect.fetch.other", detail=f"{type(exc).__name__}: {text}"[:200])


async def fetch(
    client: httpx.AsyncClient,
    url: str,
    *,
    timeout: float,
    follow_redirects: bool = True,
    max_bytes: int = MAX_BYTES,
) -> Fetched:
    """GET *url* and return its body; :class:`DiscoveryError` for anything but a 200."""
    import httpx

    hops = MAX_REDIRECTS if follow_redirects else 0
    current = httpx.URL(url)
    for _ in range(hops + 1):
        try:
            request = client.build_request("GET", current, timeout=timeout)
            response = await client.send(request, stream=True, follow_redirects=False)
        except httpx.HTTPError as exc:
            raise _failure(exc) from None
        try:
            location = response.headers.get("location")
            if response.status_code in _REDIRECTS and location:
                if not follow_redirects:
                    raise DiscoveryError.of(
                        "inspect.fetch.redirect_refused", status=response.status_code
                    )
                target = current.join(location)
                if current.scheme == "https" and target.scheme != "https":
                    raise DiscoveryError.of("inspect.fetch.downgrade", scheme=target.scheme)
                current = target
                continue
            if response.status_code != 200:
                raise DiscoveryError.of("inspect.fetch.status", status=response.status_code)
            return Fetched(
                url=str(current),
                content_type=response.headers.get("content-type", ""),
                body=await _read_capped(response, max_bytes),
            )
        except httpx.HTTPError as exc:
            raise _failure(exc) from None
        finally:
            await response.aclose()
    raise DiscoveryError.of("inspect.fetch.redirects", n=MAX_REDIRECTS)


async def _read_capped(response: httpx.Response, max_bytes: int) -> bytes:
    too_big = DiscoveryError.of("inspect.fetch.too_large", kib=max_bytes // 1024)
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise too_big
    body = bytearray()
    async for chunk in response.aiter_bytes():
        body += chunk
        if len(body) > max_bytes:
            raise too_big
    return bytes(body)
