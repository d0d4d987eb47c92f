"""Discovery fixtures: real-shaped autoconfig documents, MTA-STS policies, a stub
DNS resolver and an ``httpx.MockTransport`` router -- no network anywhere."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import dns.resolver
import httpx
import pytest

# Shaped like the Thunderbird ISPDB entries (autoconfig.thunderbird.net/v1.1/<domain>).
QQ_XML = """<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="qq.com">
    <domain>qq.com</domain>
    <domain>foxmail.com</domain>
    <domain>vip.qq.com</domain>
    <displayName>QQ Mail</displayName>
    <displayShortName>QQ</displayShortName>
    <incomingServer type="imap">
      <hostname>imap.qq.com</hostname>
      <port>993</port>
      <socketType>SSL</socketType>
      <username>%EMAILADDRESS%</username>
      <authentication>password-cleartext</authentication>
    </incomingServer>
    <incomingServer type="pop3">
      <hostname>pop.qq.com</hostname>
      <port>995</port>
      <socketType>SSL</socketType>
      <username>%EMAILADDRESS%</username>
      <authentication>password-cleartext</authentication>
    </incomingServer>
    <outgoingServer type="smtp">
      <hostname>smtp.qq.com</hostname>
      <port>465</port>
      <socketType>SSL</socketType>
      <username>%EMAILADDRESS%</username>
      <authentication>password-cleartext</authentication>
    </outgoingServer>
    <documentation url="http://service.mail.qq.com/cgi-bin/help?subtype=1&amp;&amp;id=28&amp;&amp;no=1001256">
      <descr lang="en">How to enable IMAP/POP3/SMTP</descr>
      <descr lang="zh">如何开启IMAP、POP3/SMTP服务</descr>
    </documentation>
  </emailProvider>
</clientConfig>
"""

NETEASE_XML = """<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="163.com">
    <domain>163.com</domain>
    <displayName>网易163免费邮</displayName>
    <displayShortName>163</displayShortName>
    <incomingServer type="imap">
      <hostname>imap.163.com</hostname>
      <port>993</port>
      <socketType>SSL</socketType>
      <username>%EMAILADDRESS%</username>
      <authentication>password-cleartext</authentication>
    </incomingServer>
    <outgoingServer type="smtp">
      <hostname>smtp.163.com</hostname>
      <port>465</port>
      <socketType>SSL</socketType>
      <username>%EMAILADDRESS%</username>
      <authentication>password-cleartext</authentication>
    </outgoingServer>
  </emailProvider>
</clientConfig>
"""

GMAIL_XML = """<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="googlemail.com">
    <domain>gmail.com</domain>
    <domain>googlemail.com</domain>
    <domain>google.com</domain>
    <displayName>Google Mail</displayName>
    <displayShortName>GMail</displayShortName>
    <incomingServer type="imap">
      <hostname>imap.gmail.com</hostname>
      <port>993</port>
      <socketType>SSL</socketType>
      <username>%EMAILADDRESS%</username>
      <authentication>OAuth2</authentication>
      <authentication>password-cleartext</authentication>
    </incomingServer>
    <outgoingServer type="smtp">
      <hostname>smtp.gmail.com</hostname>
      <port>465</port>
      <socketType>SSL</socketType>
      <username>%EMAILADDRESS%</username>
      <authentication>OAuth2</authentication>
      <authentication>password-cleartext</authentication>
    </outgoingServer>
    <documentation url="http://mail.google.com/support/bin/answer.py?answer=13273">
      <descr>How to enable IMAP/POP3 in GMail</descr>
    </documentation>
  </emailProvider>
  <oAuth2>
    <issuer>accounts.google.com</issuer>
    <scope>https://mail.google.com/ https://www.googleapis.com/auth/carddav</scope>
    <authURL>https://accounts.google.com/o/oauth2/auth</authURL>
    <tokenURL>https://www.googleapis.com/oauth2/v3/token</tokenURL>
  </oAuth2>
</clientConfig>
"""

# A company's own autoconfig with two submission servers and local-part logins.
CORP_XML = """<?xml version="1.0"?>
<clientConfig version="1.1">
  <emailProvider id="corp.example">
    <domain>corp.example</domain>
    <displayName>Example Corp</displayName>
    <outgoingServer type="smtp">
      <hostname>smtp.%EMAILDOMAIN%</hostname>
      <port>587</port>
      <socketType>STARTTLS</socketType>
      <username>%EMAILLOCALPART%</username>
      <authentication>password-encrypted</authentication>
    </outgoingServer>
    <outgoingServer type="smtp">
      <hostname>smtp.corp.example</hostname>
      <port>465</port>
      <socketType>SSL</socketType>
      <username>%EMAILLOCALPART%</username>
      <authentication>password-cleartext</authentication>
    </outgoingServer>
  </emailProvider>
</clientConfig>
"""

POLICY_ENFORCE = "version: STSv1\r\nmode: enforce\r\nmx: mx1.corp.example\r\nmx: *.backup.corp.example\r\nmax_age: 604800\r\n"


@dataclass(frozen=True)
class MX:
    preference: int
    exchange: str


@dataclass(frozen=True)
class TXT:
    strings: tuple[bytes, ...]


class StubResolver:
    """Answers from a dict ``{(name, type): records | exception}``; NXDOMAIN otherwise."""

    def __init__(self, answers: dict[tuple[str, str], Any] | None = None, delay: float = 0.0):
        self.answers = answers or {}
        self.delay = delay
        self.queries: list[tuple[str, str]] = []

    async def resolve(self, qname: str, rdtype: str):
        self.queries.append((qname, rdtype))
        if self.delay:
            await asyncio.sleep(self.delay)
        answer = self.answers.get((qname, rdtype), dns.resolver.NXDOMAIN())
        if isinstance(answer, BaseException):
            raise answer
        return answer


Handler = Callable[[httpx.Request], Any]


class Router:
    """URL -> response for ``httpx.MockTransport``; unknown URLs fail like a dead host."""

    def __init__(self, routes: dict[str, Any] | None = None):
        self.routes = dict(routes or {})
        self.requests: list[str] = []

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        self.requests.append(url)
        route = self.routes.get(url)
        if route is None:
            raise httpx.ConnectError("[Errno -2] Name or service not known", request=request)
        if callable(route):
            route = route(request)
            if asyncio.iscoroutine(route):
                route = await route
        if isinstance(route, httpx.Response):
            return route
        if isinstance(route, tuple):
            status, body, headers = (*route, {})[:3]
            return httpx.Response(status, content=body, headers=headers)
        return httpx.Response(200, content=route, headers={"content-type": "text/xml"})

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.MockTransport(self))


@pytest.fixture
def router() -> Router:
    return Router()
