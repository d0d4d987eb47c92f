"""Language choice and the catalogues: Chinese readers must never meet an empty,
English-only or broken entry."""

from __future__ import annotations

import re
import string

import pytest

from smtptui.i18n import LANGUAGES, catalogue, normalize_lang, resolve_lang, t, tl

CJK = re.compile(r"[\u4e00-\u9fff]")

VERB_PHASES = ("EHLO", "HELO", "STARTTLS", "AUTH", "MAIL", "RCPT", "DATA", "BDAT", "RSET", "NOOP",
               "VRFY", "EXPN", "HELP", "QUIT")  # fmt: skip

#: Entries that are the same in Chinese by design: SMTP verbs used as labels,
#: and brand names that Chinese users read in English.
SAME_IN_CHINESE = {
    "inspect.sts.raw",  # a reason that arrives as text (a server's or a library's words)
    "state.mail.label",
    "state.rcpt.label",
    "state.data.label",
    "state.bdat.label",
    "state.flag.tls",
    "vendor.name.gmail",
    "vendor.name.microsoft",
    "ui.sep",
    *(f"ui.phase.{v}" for v in VERB_PHASES),
    # SMTP verbs, addresses and punctuation the dashboard shows as they are
    "state.next.starttls",
    "state.next.auth",
    "state.next.mail",
    "keys.app.language.label",
    "keys.fleet.swaks.label",
    "keys.lessons.language.label",
    "pane.composer.placeholder.from",
    "pane.reference.colon",
    "pane.session.colon",
    "pane.session.next_connect",
    "pane.session.auth_offered",
    # punctuation around values, header names and byte sizes
    "message.error",
    "message.field.html",
    "message.field.message_id",
    "message.note.attachment",
    "profile.error",
    # SASL mechanisms, upper case as on the wire (the English form shows the TOML value)
    "form.option.auth.mechanism.plain",
    "form.option.auth.mechanism.login",
    "form.option.auth.mechanism.cram-md5",
    "form.option.auth.mechanism.xoauth2",
}


def _items(value: str | tuple[str, ...]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else value


def _placeholders(value: str | tuple[str, ...]) -> set[str]:
    return {
        name for item in _items(value) for _, name, _, _ in string.Formatter().parse(item) if name
    }


def test_every_language_has_exactly_the_english_keys():
    en = catalogue("en")
    for lang in LANGUAGES:
        assert set(catalogue(lang)) == set(en), lang


def test_chinese_entries_are_real_chinese_not_copies_of_the_english():
    en, zh = catalogue("en"), catalogue("zh")
    problems = []
    for key, value in zh.items():
        items = _items(value)
        if not items or any(not item.strip() for item in items):
            problems.append(f"{key}: empty")
        elif key in SAME_IN_CHINESE:
            continue
        elif value == en[key]:
            problems.append(f"{key}: same as English")
        elif not all(CJK.search(item) for item in items):
            problems.append(f"{key}: no Chinese characters in {value!r}")
    assert not problems, "\n".join(problems)


def test_placeholders_match_between_languages():
    en = catalogue("en")
    for lang in LANGUAGES:
        for key, value in catalogue(lang).items():
            assert _placeholders(value) == _placeholders(en[key]), (lang, key)


def test_list_entries_are_lists_in_every_language():
    en = catalogue("en")
    for key, value in catalogue("zh").items():
        assert isinstance(value, tuple) == isinstance(en[key], tuple), key


def test_chinese_uses_the_terms_chinese_sysadmins_use():
    zh = catalogue("zh")
    text = "\n".join(v if isinstance(v, str) else "\n".join(v) for v in zh.values())
    for term in ("授权码", "中继", "收件人", "发件人", "信封", "灰名单", "黑名单", "队列"):
        assert term in text, term
    # Protocol keywords stay in English inside Chinese text.
    assert "STARTTLS" in zh["basic.530.tls.title"]
    assert "RFC 4954" in zh["basic.535.text"]


@pytest.mark.parametrize(
    ("explicit", "env", "expected"),
    [
        ("zh", {}, "zh"),
        ("zh_CN.UTF-8", {}, "zh"),
        ("en", {"SMTPTUI_LANG": "zh"}, "en"),
        (None, {"SMTPTUI_LANG": "zh"}, "zh"),
        (None, {"SMTPTUI_LANG": "zh-Hans", "LANG": "en_US.UTF-8"}, "zh"),
        (None, {"LANG": "zh_CN.UTF-8"}, "zh"),
        (None, {"LANG": "zh_TW.UTF-8"}, "zh"),
        (None, {"LC_MESSAGES": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, "zh"),
        (None, {"LC_ALL": "C", "LANG": "zh_CN.UTF-8"}, "en"),
        (None, {"LC_ALL": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, "zh"),
        (None, {"SMTPTUI_LANG": "fr", "LANG": "zh_CN.UTF-8"}, "zh"),
        (None, {"LANG": "C.UTF-8"}, "en"),
        (None, {}, "en"),
    ],
)
def test_resolve_lang_order(monkeypatch, explicit, env, expected):
    for var in ("SMTPTUI_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    assert resolve_lang(explicit) == expected


def test_an_explicit_unsupported_language_is_an_error_not_a_silent_fallback():
    with pytest.raises(ValueError, match="unsupported language 'fr'"):
        resolve_lang("fr")
    assert normalize_lang("de_DE") is None


def test_t_fills_placeholders_and_keeps_unknown_ones_visible():
    assert t("state.flag.recipients", "en", n=2) == "2 recipient(s) accepted"
    assert t("state.flag.recipients", "zh", n=2) == "已接受 2 个收件人"
    assert t("state.flag.recipients", "en", other=1) == "{n} recipient(s) accepted"
    assert tl("basic.535.next", "zh")[1].startswith("QQ / 163 / 126")


def test_every_key_lives_in_the_domain_module_its_prefix_names():
    """A key is found by its prefix alone (domains load lazily): a key put in
    the wrong module would silently fall back to an error at run time."""
    from smtptui.i18n import DOMAINS, _domain, domain_of

    misplaced = [
        f"{lang}/{domain}: {key}"
        for lang in LANGUAGES
        for domain in DOMAINS
        for key in _domain(lang, domain)
        if domain_of(key) != domain
    ]
    assert misplaced == []
