"""The session panel's own words in English and Chinese.

The SMTP words (states, commands, predictions) come from the reference
catalogue; these are only the panel's labels, hints and tooltips, kept apart so
a translator edits one table and the panel's code stays about behaviour.
"""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Session",
        "no_session": "no session: highlight a profile, then CONNECT (or enter)",
        "next": "next:",
        "next_connect": "CONNECT",
        "next_auth": "a base64 answer to the 334, or * to cancel",
        "next_data": "message lines, then a single '.'",
        "next_none": "wait for the server",
        "auth_offered": "AUTH {mechs}",
        "handshake": "EHLO, TLS and AUTH on connect",
        "handshake_tip": "Off: connect and stop after the greeting, then step through EHLO, STARTTLS, AUTH yourself",
        "helper": "AUTH helper",
        "helper_tip": "Compute the base64 lines of AUTH PLAIN / LOGIN / CRAM-MD5 and put one in the command line",
        "placeholder": "raw command: enter sends, ↑↓ history, → completes",
        "placeholder_data": "message line (a single '.' ends the message)",
        "placeholder_auth": "base64 answer to the 334 (* cancels)",
        "data_mode": "message mode: lines are sent as typed; a single '.' ends the message",
        "auth_mode": "AUTH exchange: answer the server's 334 with one base64 line (the AUTH helper computes it); * cancels",
        "auth_secret": "the server asks for a secret: what you type is hidden and never kept in the history",
        "not_connected": "not connected: press CONNECT (or enter on the profile) first",
        "likely": ", likely {codes}: ",
        "colon": ": ",
        "armed": "press {verb} again within {s} s to send it anyway",
        "no_credentials": "this profile has no user name: the AUTH helper computes the lines to type",
        "connect_tip": "Connect and stop after the server's greeting (220)",
        "data_body": "Send the composer's message (dot-stuffed) and the final '.'",
    },
    "zh": {
        "title": "会话",
        "no_session": "没有会话：选中一个配置，然后按 CONNECT（或回车）",
        "next": "下一步：",
        "next_connect": "CONNECT",
        "next_auth": "用一行 base64 回答 334 质询，或输入 * 取消",
        "next_data": "逐行输入邮件内容，最后单独一行 '.'",
        "next_none": "等待服务器",
        "auth_offered": "AUTH {mechs}",
        "handshake": "连接时自动 EHLO、TLS 和 AUTH",
        "handshake_tip": "关闭：连接后停在问候语，之后自己逐步发送 EHLO、STARTTLS、AUTH",
        "helper": "AUTH 助手",
        "helper_tip": "计算 AUTH PLAIN / LOGIN / CRAM-MD5 的 base64 行，并填入命令行",
        "placeholder": "原始命令：回车发送，↑↓ 历史，→ 补全",
        "placeholder_data": "邮件内容行（单独一行 '.' 结束邮件）",
        "placeholder_auth": "用 base64 回答 334（* 取消）",
        "data_mode": "正文模式：每行按原样发送；单独一行 '.' 结束邮件",
        "auth_mode": "AUTH 交互：用一行 base64 回答服务器的 334（AUTH 助手可以计算）；* 取消",
        "auth_secret": "服务器在要密码：输入内容已隐藏，也不会记入历史",
        "not_connected": "未连接：请先按 CONNECT（或在配置上按回车）",
        "likely": "，可能得到 {codes}：",
        "colon": "：",
        "armed": "{s} 秒内再按一次 {verb} 仍然发送",
        "no_credentials": "此配置没有用户名：AUTH 助手会计算要输入的行",
        "connect_tip": "连接，收到服务器问候（220）后停下",
        "data_body": "发送撰写区的邮件（已做点填充）和结尾的 '.'",
    },
}


def ui_text(lang: str, key: str, **values: object) -> str:
    """The panel's own words (the reference catalogue holds the SMTP ones)."""
    table = TEXTS.get(lang, TEXTS["en"])
    text = table.get(key, TEXTS["en"][key])
    return text.format(**values) if values else text
