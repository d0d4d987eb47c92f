"""收到的邮件有什么问题（演示收件箱用）。"""

MESSAGES: dict[str, str | tuple[str, ...]] = {
    "defect.missing-blank-line": "在结束邮件头的空行之前出现了一行不是邮件头的内容，正文就从那里开始了；"
    "请在邮件头和正文之间空一行。",
    "defect.headers-only": "邮件头和正文之间没有空行，所以每一行都被当成了邮件头，正文是空的。",
    "defect.bare-lf": "有些行以单独的 LF 结尾，而不是 CRLF（RFC 5321 §2.3.8）；很多服务器会拒收或改写这样的邮件。",
    "defect.8bit-without-mime": "正文里有 8 位字节，但没有 MIME 头（MIME-Version、带 charset 的 Content-Type）"
    "说明该怎么解读它们。",
    "defect.8bit-header": "邮件头里有原始的 8 位字节，而发件方没有使用 SMTPUTF8；这些内容应当用 RFC 2047 编码字（encoded-word）表示。",
    "defect.invalid-date": "Date 头无法解析。",
    "defect.no-from": "没有 From 头（RFC 5322 要求必须有）。",
    "defect.no-subject": "没有 Subject 头；邮件客户端会显示“（无主题）”。",
    "defect.empty-subject": "Subject 头是空的。",
    "defect.no-date": "没有 Date 头（RFC 5322 要求必须有）。",
    "defect.no-message-id": "没有 Message-ID 头；回复关联和重复检测都要靠它。",
    "defect.empty-body": "邮件正文是空的。",
}
