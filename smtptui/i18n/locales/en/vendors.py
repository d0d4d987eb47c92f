"""Vendor-specific replies (English). These describe the providers' behaviour and
help pages, not RFCs; the UI labels them as vendor-specific."""

MESSAGES: dict[str, str | tuple[str, ...]] = {
    "vendor.name.tencent": "QQ Mail / Tencent Exmail",
    "vendor.name.netease": "NetEase Mail (163.com, 126.com, yeah.net)",
    "vendor.name.gmail": "Gmail / Google Workspace",
    "vendor.name.microsoft": "Microsoft 365 / Outlook.com / Exchange",
    # -- Tencent ---------------------------------------------------------------
    "vendor.qq.auth_code.title": "QQ Mail: log in with the authorization code",
    "vendor.qq.auth_code.text": "QQ Mail does not accept your QQ password for SMTP. You must switch on the SMTP service in the web mailbox and log in with the authorization code (授权码) it generates.",
    "vendor.qq.auth_code.next": (
        "In QQ Mail on the web: Settings → Account → POP3/IMAP/SMTP/Exchange/CardDAV/CalDAV service → enable, then generate an authorization code (SMS verification).",
        "Log in with your full address (12345@qq.com) as user name and the authorization code as password.",
    ),
    "vendor.qq.auth_failed.title": "QQ Mail: login refused",
    "vendor.qq.auth_failed.text": "On QQ Mail a 535 almost always means the password was not a valid authorization code: the QQ password itself is never accepted for SMTP, and a code stops working once you revoke it.",
    "vendor.qq.auth_failed.next": (
        "Generate a new authorization code in the web mailbox settings and use it as the password.",
        "Use the full email address as the user name.",
    ),
    "vendor.qq.sender.title": "QQ Mail: sender must be the logged-in address",
    "vendor.qq.sender.text": "QQ Mail only lets you send as the account you authenticated as: MAIL FROM must be that address.",
    "vendor.qq.sender.next": (
        "Use the address you logged in with in MAIL FROM (and in the From header).",
    ),
    "vendor.qq.frequency.title": "QQ Mail: frequency limit",
    "vendor.qq.frequency.text": "QQ Mail is rate-limiting you (per IP, connection or domain) because too much mail arrived from you in a short time.",
    "vendor.qq.frequency.next": (
        "Slow down and retry later; check that your server is not sending spam.",
    ),
    "vendor.qq.content.title": "QQ Mail: content rejected",
    "vendor.qq.content.text": "QQ Mail's filter judged the message content to be spam or not allowed.",
    "vendor.qq.content.next": (
        "Review the subject and body (links, attachments, wording) and your domain's SPF/DKIM/DMARC.",
    ),
    # -- NetEase ---------------------------------------------------------------
    "vendor.netease.no_permission.title": "NetEase: SMTP not enabled for this account",
    "vendor.netease.no_permission.text": "163/126 Mail refuses to send for this account: the SMTP service is not switched on, or you did not log in with the authorization code.",
    "vendor.netease.no_permission.next": (
        "In the web mailbox: Settings → POP3/SMTP/IMAP → enable the SMTP service and create an authorization code (授权码).",
        "Log in again with the authorization code as password.",
    ),
    "vendor.netease.sender.title": "NetEase: sender must be the logged-in address",
    "vendor.netease.sender.text": "163/126 Mail only lets you send as the account you authenticated as.",
    "vendor.netease.sender.next": (
        "Use the address you logged in with as MAIL FROM and in the From header.",
    ),
    "vendor.netease.auth_required.title": "NetEase: authentication required",
    "vendor.netease.auth_required.text": "163/126 Mail requires AUTH before MAIL FROM.",
    "vendor.netease.auth_required.next": (
        "Log in with AUTH (using the authorization code) before MAIL FROM.",
    ),
    "vendor.netease.dt_spm.title": "NetEase DT:SPM: judged as spam",
    "vendor.netease.dt_spm.text": "NetEase's filter classified the message as spam or as containing content that is not allowed.",
    "vendor.netease.dt_spm.next": (
        'Change the subject/body (avoid bare links and test-like text such as "test").',
        "Send fewer identical messages.",
    ),
    "vendor.netease.dt_sum.title": "NetEase DT:SUM: envelope and header sender differ",
    "vendor.netease.dt_sum.text": "The envelope sender (MAIL FROM) and the From header do not match.",
    "vendor.netease.dt_sum.next": ("Make the From header address the same as MAIL FROM.",),
    "vendor.netease.mi_dmc.title": "NetEase MI:DMC: too many messages on this connection",
    "vendor.netease.mi_dmc.text": "You sent more messages over one connection than NetEase allows.",
    "vendor.netease.mi_dmc.next": ("Reconnect for the next messages and send more slowly.",),
    "vendor.netease.rp_trc.title": "NetEase RP:TRC: daily sending limit reached",
    "vendor.netease.rp_trc.text": "This sender has sent more messages today than NetEase allows.",
    "vendor.netease.rp_trc.next": ("Wait until tomorrow or use a service meant for bulk mail.",),
    "vendor.netease.auth_failed.title": "NetEase: login refused",
    "vendor.netease.auth_failed.text": "On 163/126 Mail a 535 almost always means you used the account password: SMTP only accepts the authorization code (授权码), and only when the SMTP service is enabled.",
    "vendor.netease.auth_failed.next": (
        "Enable POP3/SMTP/IMAP in the web mailbox settings and create an authorization code.",
        "Log in with the full address and the authorization code.",
    ),
    # -- Gmail -----------------------------------------------------------------
    "vendor.gmail.app_password.title": "Gmail: app password required",
    "vendor.gmail.app_password.text": "The account has 2-Step Verification, so its normal password cannot be used for SMTP. Gmail wants an app password (or OAuth2).",
    "vendor.gmail.app_password.next": (
        "Create an app password at myaccount.google.com/apppasswords and log in with it (spaces removed).",
        "Or use OAuth2 with AUTH XOAUTH2.",
    ),
    "vendor.gmail.web_login.title": "Gmail: sign in via the web browser first",
    "vendor.gmail.web_login.text": 'Google blocked the login as suspicious, or the account does not allow password logins from mail programs ("less secure apps" are no longer supported).',
    "vendor.gmail.web_login.next": (
        "Sign in to Gmail in a browser and confirm the blocked attempt.",
        "Use an app password or OAuth2 (XOAUTH2) instead of the account password.",
    ),
    "vendor.gmail.bad_credentials.title": "Gmail: user name and password not accepted",
    "vendor.gmail.bad_credentials.text": 'Either the password is wrong, or it is your Google account password — which Gmail no longer accepts for SMTP since "less secure app access" was retired.',
    "vendor.gmail.bad_credentials.next": (
        "Use an app password (needs 2-Step Verification) or OAuth2 (XOAUTH2).",
        "User name = the full Gmail / Workspace address.",
    ),
    "vendor.gmail.auth_required.title": "Gmail: authentication required",
    "vendor.gmail.auth_required.text": "smtp.gmail.com only relays mail for authenticated users.",
    "vendor.gmail.auth_required.next": (
        "STARTTLS (port 587) or connect on 465, then AUTH, then MAIL FROM.",
    ),
    "vendor.gmail.dmarc.title": "Gmail: rejected by DMARC / sender authentication",
    "vendor.gmail.dmarc.text": "Gmail requires senders to authenticate with SPF or DKIM, and rejects mail that fails the sender domain's DMARC policy.",
    "vendor.gmail.dmarc.next": (
        "Publish SPF and DKIM for the sending domain, aligned with the From header domain.",
        "Check the domain's DMARC record (_dmarc.example.com).",
    ),
    "vendor.gmail.rate.title": "Gmail: rate limited for unsolicited mail",
    "vendor.gmail.rate.text": "Gmail saw an unusual rate of unsolicited mail from your IP and is rate limiting it.",
    "vendor.gmail.rate.next": (
        "Slow down; check for compromised accounts or open relays on your side.",
        "Check your IP's reputation in Google Postmaster Tools.",
    ),
    "vendor.gmail.daily_limit.title": "Gmail: daily sending limit exceeded",
    "vendor.gmail.daily_limit.text": "The account reached Gmail's daily sending limit; sending is blocked for up to 24 hours.",
    "vendor.gmail.daily_limit.next": (
        "Wait and try again later; use a bulk-mail service for large volumes.",
    ),
    "vendor.gmail.ptr.title": "Gmail: no reverse DNS for your IP",
    "vendor.gmail.ptr.text": "Your sending IP has no PTR record, or it does not point back to the IP.",
    "vendor.gmail.ptr.next": (
        "Ask whoever controls the IP (your ISP/hoster) to set a PTR record matching its forward DNS.",
    ),
    "vendor.gmail.unsolicited.title": "Gmail: message looks like spam",
    "vendor.gmail.unsolicited.text": "Gmail's filters judged this message to be likely unsolicited mail.",
    "vendor.gmail.unsolicited.next": (
        "Review the content and authenticate the domain (SPF, DKIM, DMARC).",
    ),
    # -- Microsoft -------------------------------------------------------------
    "vendor.ms.smtp_auth_disabled.title": "Microsoft 365: SMTP AUTH is disabled",
    "vendor.ms.smtp_auth_disabled.text": "Authenticated SMTP (client submission) is switched off for the tenant or the mailbox; the password may be correct.",
    "vendor.ms.smtp_auth_disabled.next": (
        'An admin enables "Authenticated SMTP" for the mailbox (Microsoft 365 admin center → user → Mail → Manage email apps) or tenant-wide.',
        "Microsoft is retiring Basic authentication for SMTP AUTH: plan for OAuth2 (XOAUTH2).",
    ),
    "vendor.ms.basic_auth_disabled.title": "Microsoft 365: Basic authentication disabled",
    "vendor.ms.basic_auth_disabled.text": "User name + password logins are disabled for this tenant (security defaults or policy); only OAuth2 works.",
    "vendor.ms.basic_auth_disabled.next": (
        "Use OAuth2 (AUTH XOAUTH2), or ask the admin about the tenant's authentication policy.",
    ),
    "vendor.ms.criteria.title": "Microsoft 365: login blocked by policy",
    "vendor.ms.criteria.text": "The credentials may be right, but Conditional Access, security defaults or MFA requirements block this login.",
    "vendor.ms.criteria.next": (
        "Ask the tenant admin; check the sign-in logs in Microsoft Entra ID for the reason.",
    ),
    "vendor.ms.auth_139.title": "Microsoft 365: authentication unsuccessful",
    "vendor.ms.auth_139.text": "5.7.139 is Microsoft's code for a refused SMTP login; the text after it says why (wrong credentials, SMTP AUTH disabled, policy, locked account).",
    "vendor.ms.auth_139.next": (
        "Read the text after 5.7.139.",
        "Check the password, that SMTP AUTH is enabled for the mailbox, and the sign-in logs.",
    ),
    "vendor.ms.auth_3.title": "Exchange / Microsoft 365: authentication unsuccessful",
    "vendor.ms.auth_3.text": 'Microsoft uses 535 5.7.3 for a failed login — usually a wrong user name or password (not the registry\'s "security conversion" meaning).',
    "vendor.ms.auth_3.next": (
        "Check user name (full address) and password; check that SMTP AUTH is enabled for the mailbox.",
    ),
    "vendor.ms.not_authenticated.title": "Microsoft 365: client not authenticated",
    "vendor.ms.not_authenticated.text": "smtp.office365.com only accepts mail from authenticated clients, and you sent MAIL FROM without (successful) AUTH.",
    "vendor.ms.not_authenticated.next": (
        "Connect to port 587, STARTTLS, EHLO, AUTH, then MAIL FROM.",
    ),
    "vendor.ms.onprem_not_authenticated.title": "Exchange: client was not authenticated",
    "vendor.ms.onprem_not_authenticated.text": "This Exchange receive connector only accepts mail from authenticated clients.",
    "vendor.ms.onprem_not_authenticated.next": (
        "Authenticate with AUTH first, or ask the admin to allow your IP on a relay connector.",
    ),
    "vendor.ms.send_as.title": "Microsoft 365: no permission to send as this sender",
    "vendor.ms.send_as.text": "The logged-in mailbox may not send as the address in MAIL FROM / From.",
    "vendor.ms.send_as.next": (
        "Send as the mailbox you logged in with, or have the admin grant Send As permission.",
    ),
    "vendor.ms.send_as_storedrv.title": "Microsoft 365: Send As denied",
    "vendor.ms.send_as_storedrv.text": "The mailbox is not allowed to send as the From address of this message.",
    "vendor.ms.send_as_storedrv.next": (
        "Use your own address in From, or get Send As permission for the other address.",
    ),
    "vendor.ms.outbound_spam.title": "Outlook / Microsoft 365: account blocked for sending spam",
    "vendor.ms.outbound_spam.text": "Microsoft suspects the account of sending spam and has blocked outgoing mail.",
    "vendor.ms.outbound_spam.next": (
        "Sign in on the web to unblock (consumer) or ask the admin to release the user from Restricted entities (business).",
    ),
    "vendor.ms.ip_blocked.title": "Microsoft 365: traffic not accepted from this IP",
    "vendor.ms.ip_blocked.text": "Microsoft refuses mail from this sending IP because of its reputation (common with new or low-reputation IPs).",
    "vendor.ms.ip_blocked.next": (
        "Send through a relay with a good reputation, or contact Microsoft support.",
    ),
    "vendor.ms.banned_ip.title": "Microsoft 365: banned sending IP",
    "vendor.ms.banned_ip.text": "Your sending IP is on Microsoft's block list.",
    "vendor.ms.banned_ip.next": (
        "Request delisting at sender.office.com and find out why the IP was listed.",
    ),
    "vendor.ms.recipient_not_found.title": "Microsoft 365: recipient not found",
    "vendor.ms.recipient_not_found.text": 'Exchange Online uses 5.1.10 for "recipient address does not exist" (not the registry\'s null-MX meaning).',
    "vendor.ms.recipient_not_found.next": ("Check the recipient's address for typos.",),
    "vendor.ms.dbeb.title": "Microsoft 365: recipient rejected by Directory-Based Edge Blocking",
    "vendor.ms.dbeb.text": "The recipient does not exist in the receiving tenant's directory, so Microsoft's edge refused it.",
    "vendor.ms.dbeb.next": (
        "Check the address; if it should exist, the recipient's admin must fix their directory.",
    ),
    "vendor.ms.old_tls.title": "Microsoft 365: TLS 1.0/1.1 not supported",
    "vendor.ms.old_tls.text": "Microsoft only accepts TLS 1.2 or newer; your client negotiated an older version.",
    "vendor.ms.old_tls.next": ("Update the client / OpenSSL so that it offers TLS 1.2+.",),
    "vendor.ms.unable_to_relay.title": "Exchange / Microsoft 365: unable to relay",
    "vendor.ms.unable_to_relay.text": "The server does not accept mail for that recipient's domain from you — it is not one of its accepted domains and you are not allowed to relay.",
    "vendor.ms.unable_to_relay.next": (
        "Authenticate (AUTH) before sending, or send to the recipient domain's own MX.",
    ),
}
