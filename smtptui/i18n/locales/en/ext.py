"""The EHLO extensions smtptui knows, in one line each (English)."""

MESSAGES: dict[str, str | tuple[str, ...]] = {
    "ext.PIPELINING": "commands may be sent in groups without waiting for each reply (RFC 2920)",
    "ext.CHUNKING": "the message may be sent in sized chunks with BDAT instead of DATA (RFC 3030)",
    "ext.SMTPUTF8": "addresses and headers may contain UTF-8, e.g. 张三@例子.中国 (RFC 6531)",
    "ext.8BITMIME": "the body may contain 8-bit bytes when MAIL FROM says BODY=8BITMIME (RFC 6152)",
    "ext.DSN": "delivery status notifications can be requested (NOTIFY=, RET=) (RFC 3461)",
    "ext.REQUIRETLS": "a message can demand TLS on every hop to its destination (RFC 8689)",
    "ext.ENHANCEDSTATUSCODES": "replies carry enhanced status codes such as 5.7.1 (RFC 2034)",
    "ext.SIZE": "the largest message the server accepts, in bytes (0: no fixed limit) (RFC 1870)",
    "ext.STARTTLS": "the session can be encrypted now with STARTTLS (RFC 3207)",
    "ext.AUTH": "the login mechanisms the server accepts (RFC 4954)",
    "ext.LIMITS": "the server's limits, e.g. recipients per message (RFC 9422)",
    "ext.MT-PRIORITY": "messages may carry a priority (RFC 6710)",
    "ext.FUTURERELEASE": "delivery can be held until a later time (RFC 4865)",
    "ext.DELIVERBY": "a message can ask to be delivered within a time limit (RFC 2852)",
    "ext.RRVS": "a recipient's mailbox can be checked to be the same owner since a date (RFC 7293)",
}
