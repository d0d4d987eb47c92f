"""smtptui 认识的 EHLO 扩展，每个一行说明（简体中文）。"""

MESSAGES: dict[str, str | tuple[str, ...]] = {
    "ext.PIPELINING": "可以成组发送命令，不必等待每条回复（RFC 2920）",
    "ext.CHUNKING": "可以用 BDAT 按指定大小分块发送邮件，代替 DATA（RFC 3030）",
    "ext.SMTPUTF8": "地址和邮件头可以包含 UTF-8，例如 张三@例子.中国（RFC 6531）",
    "ext.8BITMIME": "MAIL FROM 带 BODY=8BITMIME 时，正文可以包含 8 位字节（RFC 6152）",
    "ext.DSN": "可以请求投递状态通知（NOTIFY=、RET=）（RFC 3461）",
    "ext.REQUIRETLS": "邮件可以要求到达目的地的每一跳都使用 TLS（RFC 8689）",
    "ext.ENHANCEDSTATUSCODES": "回复中带有 5.7.1 这样的增强状态码（RFC 2034）",
    "ext.SIZE": "服务器接受的最大邮件字节数（0 表示没有固定上限）（RFC 1870）",
    "ext.STARTTLS": "现在可以用 STARTTLS 加密会话（RFC 3207）",
    "ext.AUTH": "服务器接受的登录机制（RFC 4954）",
    "ext.LIMITS": "服务器的限制，例如每封邮件的收件人数（RFC 9422）",
    "ext.MT-PRIORITY": "邮件可以带优先级（RFC 6710）",
    "ext.FUTURERELEASE": "可以把投递推迟到之后的某个时间（RFC 4865）",
    "ext.DELIVERBY": "邮件可以要求在规定时间内送达（RFC 2852）",
    "ext.RRVS": "可以核对收件人邮箱自某个日期以来是否仍属同一人（RFC 7293）",
}
