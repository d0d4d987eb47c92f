"""Vendor-specific replies: what big providers mean by codes the RFCs do not define
(Microsoft 365's ``5.7.139``) or define differently (Gmail's ``534 5.7.14``),
and the texts Chinese providers use for the errors our users meet most
(QQ's "Please enter your authorization code", 163's "User has no permission").

Everything here is labelled vendor-specific: it comes from the providers'
behaviour and help pages, not from an RFC. A rule applies when the host we talk
to belongs to the vendor, or when the reply text (or an unregistered enhanced
code) identifies the vendor by itself. Texts live in the catalogue under
``vendor.<id>.*`` and ``vendor.name.<vendor>``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from smtptui.i18n import t, tl
from smtptui.reference.patterns import LazyPattern, lazy_re

_re = lazy_re  # compiled when first used (the dashboard's table uses none)


@dataclass(frozen=True, slots=True)
class Vendor:
    """A mail provider we recognise by host name or by reply wording."""

    id: str
    hosts: tuple[str, ...]
    signature: LazyPattern

    def name(self, lang: str | None = None) -> str:
        return t(f"vendor.name.{self.id}", lang)

    def owns(self, host: str | None) -> bool:
        if not host:
            return False
        h = host.strip().lower().rstrip(".")
        h = h.rsplit(":", 1)[0] if h.count(":") == 1 else h
        return any(h == d or h.endswith("." + d) for d in self.hosts)


VENDORS: tuple[Vendor, ...] = (
    Vendor("tencent", ("qq.com", "foxmail.com"), _re(r"\bqq\.com\b|\bQQ Mail\b|foxmail")),
    Vendor(
        "netease",
        ("163.com", "126.com", "yeah.net", "188.com", "netease.com"),
        _re(r"\b(?:163|126)\s*smtp\d*\b|\b(?:163|126)com\b|coremail|netease|yeah\.net"),
    ),
    Vendor(
        "gmail",
        ("gmail.com", "googlemail.com", "google.com"),
        _re(r"\bgsmtp\b|support\.google\.com|accounts\.google\.com"),
    ),
    Vendor(
        "microsoft",
        ("office365.com", "outlook.com", "hotmail.com", "live.com", "microsoft.com"),
        _re(r"aka\.ms/|\.outlook\.com\b|office365|\bSTOREDRV\.|\bRESOLVER\.|Microsoft ESMTP"),
    ),
)

_VENDORS = {v.id: v for v in VENDORS}


@dataclass(frozen=True, slots=True)
class VendorCode:
    """One vendor-specific reply.

    ``code``/``enhanced``/``text`` must all match (those that are set).
    ``identifies``: the match alone proves the vendor (unregistered enhanced
    code, distinctive wording); otherwise the host or the vendor's signature in
    the text must point to the vendor too. ``sample`` is a real-world reply as
    the vendor sends it (shortened), shown in the list; ``None`` for a rule that
    covers any text from the vendor's hosts.
    """

    id: str
    vendor: str
    code: int | None
    enhanced: LazyPattern | None
    text: LazyPattern | None
    sample: str | None
    identifies: bool = False
    shown: str | None = None

    @property
    def key(self) -> str:
        return f"vendor.{self.id}"

    @property
    def enhanced_label(self) -> str | None:
        """The enhanced code(s) as shown: ``5.7.139``, or ``shown`` for a range."""
        if self.shown or self.enhanced is None:
            return self.shown
        pat = self.enhanced.pattern
        return pat.replace("\\", "") if re.fullmatch(r"[245](\\\.\d+){2}", pat) else None

    def vendor_name(self, lang: str | None = None) -> str:
        return _VENDORS[self.vendor].name(lang)

    def title(self, lang: str | None = None) -> str:
        return t(f"{self.key}.title", lang)

    def explanation(self, lang: str | None = None) -> str:
        return t(f"{self.key}.text", lang)

    def next_steps(self, lang: str | None = None) -> tuple[str, ...]:
        return tl(f"{self.key}.next", lang)


def _v(
    id: str,
    vendor: str,
    code: int | None,
    enhanced: str | None,
    text: str | None,
    sample: str | None,
    identifies: bool = False,
    shown: str | None = None,
) -> VendorCode:
    enh = LazyPattern(enhanced) if enhanced else None
    return VendorCode(id, vendor, code, enh, _re(text) if text else None, sample, identifies, shown)


VENDOR_CODES: tuple[VendorCode, ...] = (
    # --- Tencent: QQ Mail (smtp.qq.com) and Exmail (smtp.exmail.qq.com) ---
    _v("qq.auth_code", "tencent", 535, None, r"authorization code|授权码",
       "535 Login Fail. Please enter your authorization code to login. More information in "
       "http://service.mail.qq.com/cgi-bin/help?subtype=1&&id=28&&no=1001256", True),
    _v("qq.auth_failed", "tencent", 535, None, None, None),
    _v("qq.sender", "tencent", 501, None, r"mail from address must be same as authorization user",
       "501 mail from address must be same as authorization user.", True),
    _v("qq.frequency", "tencent", None, None, r"frequency limited",
       "550 Ip frequency limited.", True),
    _v("qq.content", "tencent", 550, None, r"content denied",
       "550 Mail content denied.", True),
    # --- NetEase: 163.com, 126.com, yeah.net (Coremail) ---
    _v("netease.no_permission", "netease", 550, None, r"User has no permission",
       "550 User has no permission", True),
    _v("netease.sender", "netease", 553, None, r"Mail from must equal authorized user",
       "553 Mail from must equal authorized user", True),
    _v("netease.auth_required", "netease", 553, None, r"authentication is required",
       "553 authentication is required,163 smtp9,..."),
    _v("netease.dt_spm", "netease", 554, None, r"\bDT:SPM\b", "554 DT:SPM 163 smtp9,...", True),
    _v("netease.dt_sum", "netease", 554, None, r"\bDT:SUM\b", "554 DT:SUM 163 smtp9,...", True),
    _v("netease.mi_dmc", "netease", 451, None, r"\bMI:DMC\b", "451 MI:DMC 163 smtp9,...", True),
    _v("netease.rp_trc", "netease", 550, None, r"\bRP:TRC\b", "550 RP:TRC 163 smtp9,...", True),
    _v("netease.auth_failed", "netease", 535, None, None,
       "535 Error: authentication failed"),
    # --- Gmail / Google Workspace ---
    _v("gmail.app_password", "gmail", 534, r"5\.7\.9", None,
       "534-5.7.9 Application-specific password required. "
       "Learn more at https://support.google.com/mail/?p=InvalidSecondFactor"),
    _v("gmail.web_login", "gmail", 534, r"5\.7\.14", None,
       "534-5.7.14 <https://accounts.google.com/signin/continue?...> "
       "Please log in via your web browser and then try again."),
    _v("gmail.bad_credentials", "gmail", 535, r"5\.7\.8", None,
       "535-5.7.8 Username and Password not accepted. "
       "For more information, go to https://support.google.com/mail/?p=BadCredentials"),
    _v("gmail.auth_required", "gmail", 530, r"5\.7\.0", r"auth",
       "530-5.7.0 Authentication Required. "
       "For more information, go to https://support.google.com/mail/?p=WantAuthError"),
    _v("gmail.dmarc", "gmail", 550, r"5\.7\.26", None,
       "550-5.7.26 Unauthenticated email from example.com is not accepted due to domain's "
       "DMARC policy."),
    _v("gmail.rate", "gmail", None, None, r"unusual rate of unsolicited mail",
       "421-4.7.28 Our system has detected an unusual rate of unsolicited mail originating "
       "from your IP address.", True),
    _v("gmail.daily_limit", "gmail", 550, r"5\.4\.5", r"daily (user )?sending (quota|limit)",
       "550 5.4.5 Daily user sending limit exceeded.", True),
    _v("gmail.ptr", "gmail", 550, r"5\.7\.25", r"PTR record",
       "550-5.7.25 The IP address sending this message does not have a PTR record setup.", True),
    _v("gmail.unsolicited", "gmail", 550, r"5\.7\.1", r"likely unsolicited mail",
       "550-5.7.1 Our system has detected that this message is likely unsolicited mail.", True),
    # --- Microsoft 365 / Outlook.com / Exchange ---
    _v("ms.smtp_auth_disabled", "microsoft", 535, r"5\.7\.139", r"SmtpClientAuthentication is disabled",
       "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the "
       "Tenant. Visit https://aka.ms/smtp_auth_disabled for more information.", True),
    _v("ms.basic_auth_disabled", "microsoft", 535, r"5\.7\.139", r"basic authentication is disabled",
       "535 5.7.139 Authentication unsuccessful, basic authentication is disabled.", True),
    _v("ms.criteria", "microsoft", 535, r"5\.7\.139", r"did not meet the criteria",
       "535 5.7.139 Authentication unsuccessful, the request did not meet the criteria to be "
       "authenticated successfully. Contact your administrator.", True),
    _v("ms.auth_139", "microsoft", 535, r"5\.7\.139", None,
       "535 5.7.139 Authentication unsuccessful, the user credentials were incorrect.", True),
    _v("ms.auth_3", "microsoft", 535, r"5\.7\.3", r"Authentication unsuccessful",
       "535 5.7.3 Authentication unsuccessful", True),
    _v("ms.not_authenticated", "microsoft", 530, r"5\.7\.57", None,
       "530 5.7.57 Client not authenticated to send mail.", True),
    _v("ms.onprem_not_authenticated", "microsoft", 530, r"5\.7\.1", r"Client was not authenticated",
       "530 5.7.1 Client was not authenticated", True),
    _v("ms.send_as", "microsoft", 550, r"5\.7\.60", None,
       "550 5.7.60 SMTP; Client does not have permissions to send as this sender", True),
    _v("ms.send_as_storedrv", "microsoft", 554, r"5\.2\.0", r"SendAsDenied",
       "554 5.2.0 STOREDRV.Submission.Exception:SendAsDeniedException.MapiExceptionSendAsDenied",
       True),
    _v("ms.outbound_spam", "microsoft", 554, r"5\.2\.0", r"OutboundSpamException",
       "554 5.2.0 STOREDRV.Submission.Exception:OutboundSpamException", True),
    _v("ms.ip_blocked", "microsoft", 550, r"5\.7\.708", None,
       "550 5.7.708 Service unavailable. Access denied, traffic not accepted from this IP.", True),
    _v("ms.banned_ip", "microsoft", 550, r"5\.7\.6(?:0[6-9]|[1-4][0-9])", None,
       "550 5.7.606 Access denied, banned sending IP [192.0.2.1].", True, "5.7.606–649"),
    _v("ms.recipient_not_found", "microsoft", 550, r"5\.1\.10", r"RecipientNotFound",
       "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup",
       True),
    _v("ms.dbeb", "microsoft", 550, r"5\.4\.1", r"Recipient address rejected: Access denied",
       "550 5.4.1 Recipient address rejected: Access denied.", True),
    _v("ms.old_tls", "microsoft", 421, r"4\.7\.66", None,
       "421 4.7.66 TLS 1.0 and 1.1 are not supported. Please upgrade/update your client to "
       "support TLS 1.2.", True),
    _v("ms.unable_to_relay", "microsoft", 550, r"5\.7\.(?:1|54)", r"Unable to relay",
       "550 5.7.54 SMTP; Unable to relay recipient in non-accepted domain", shown="5.7.54 / 5.7.1"),
)  # fmt: skip


def vendor(vendor_id: str) -> Vendor:
    return _VENDORS[vendor_id]


def vendor_for_host(host: str | None) -> Vendor | None:
    """The vendor running ``host`` (``smtp.qq.com`` → Tencent), if we know it."""
    return next((v for v in VENDORS if v.owns(host)), None)


def vendor_for_text(text: str | None) -> Vendor | None:
    """The vendor whose signature (``gsmtp``, ``aka.ms/`` …) appears in ``text``."""
    if not text:
        return None
    return next((v for v in VENDORS if v.signature.search(text)), None)


def match_vendor(
    code: int | None,
    enhanced: object | None = None,
    text: str | None = None,
    host: str | None = None,
) -> VendorCode | None:
    """The vendor-specific meaning of a reply, or ``None``.

    ``code`` may be ``None`` (only an enhanced code was given). A rule tied to
    a vendor by host/signature only is skipped when neither points to it.
    """
    enh = str(enhanced) if enhanced is not None else None
    candidates = {v.id for v in (vendor_for_host(host), vendor_for_text(text)) if v}
    for rule in VENDOR_CODES:
        if rule.code is not None and code is not None and rule.code != code:
            continue
        if rule.code is not None and code is None and rule.enhanced is None:
            continue
        if rule.enhanced is not None and not (enh and rule.enhanced.fullmatch(enh)):
            continue
        if rule.text is not None and not (text and rule.text.search(text)):
            continue
        if rule.identifies and (rule.text is not None or rule.enhanced is not None):
            return rule
        if rule.vendor in candidates:
            return rule
    return None
