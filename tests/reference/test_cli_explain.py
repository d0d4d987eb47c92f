"""``smtptui explain`` as a user runs it."""

from __future__ import annotations

import json
import re

from click.testing import CliRunner

from smtptui.cli import main
from smtptui.reference.codes import BASIC_CODES
from smtptui.reference.enhanced import all_codes
from smtptui.reference.vendors import VENDOR_CODES

CJK = re.compile(r"[\u4e00-\u9fff]")


def run(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(main, ["explain", *args], env=env)


def test_explain_535_in_chinese_prints_a_chinese_explanation_with_its_rfc():
    r = run("535", "--lang", "zh")
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("535  认证失败：用户名或密码无效\n")
    assert "RFC 4954" in r.stdout
    assert "授权码" in r.stdout
    assert "永久性错误" in r.stdout and "出现阶段：AUTH" in r.stdout


def test_explain_in_english_by_default():
    r = run("535")
    assert r.exit_code == 0
    assert "Authentication credentials invalid" in r.stdout and "RFC 4954 §6" in r.stdout
    assert not CJK.search(r.stdout.replace("授权码", ""))


def test_language_comes_from_the_environment_or_the_main_option():
    assert "认证失败" in run("535", env={"SMTPTUI_LANG": "zh"}).stdout
    assert "认证失败" in run("535", env={"LANG": "zh_CN.UTF-8"}).stdout
    r = CliRunner().invoke(main, ["--lang", "zh", "explain", "535"])
    assert r.exit_code == 0 and "认证失败" in r.stdout
    assert "Authentication" in run("535", "--lang", "en", env={"SMTPTUI_LANG": "zh"}).stdout


def test_enhanced_code_and_reply_line():
    r = run("5.7.8")
    assert r.exit_code == 0 and r.stdout.startswith("5.7.8  Authentication credentials invalid")
    r = run("550 5.1.1 <x@y>: Recipient address rejected", "--command", "RCPT")
    assert r.exit_code == 0
    assert r.stdout.startswith("550 5.1.1  Mailbox unavailable")
    assert "Bad destination mailbox address" in r.stdout
    assert "mailbox does not exist" in r.stdout


def test_host_brings_the_vendor_meaning():
    r = run("535 Error: authentication failed", "--host", "smtp.163.com", "--lang", "zh")
    assert r.exit_code == 0
    assert "网易邮箱" in r.stdout and "授权码" in r.stdout and "服务商" in r.stdout


def test_an_unregistered_code_shows_its_digits():
    r = run("571")
    assert r.exit_code == 0
    assert "Non-standard code (permanent failure)" in r.stdout
    assert "7 = not defined" in r.stdout and "RFC 5321 §4.2.1" in r.stdout


def test_mismatch_is_shown():
    r = run("250 5.7.1 Ok")
    assert "Contradiction" in r.stdout


def test_json_for_one_code():
    r = run("550 5.1.1 <x@y>: Recipient address rejected", "--json", "--lang", "zh")
    assert r.exit_code == 0
    data = json.loads(r.stdout)
    for key in ("code", "enhanced", "kind", "title", "explanation", "phases", "next_steps",
                "mismatch", "vendor"):  # fmt: skip
        assert key in data
    assert (data["code"], data["enhanced"], data["kind"]) == (550, "5.1.1", "permanent")
    assert CJK.search(data["title"])
    assert "认证" not in r.stdout.split('"title"')[0]  # readable UTF-8, not \u escapes
    assert "\\u" not in r.stdout


def test_list_prints_the_whole_table():
    r = run("--list")
    assert r.exit_code == 0
    out = r.stdout
    for c in BASIC_CODES:
        assert f"  {c.code}" in out
    for pattern in all_codes():
        assert f"  {pattern} " in out
    assert "Vendor-specific" in out and "5.7.139" in out
    assert "X.7.YYY" in out and "5.XXX.YYY" in out
    zh = run("--list", "--lang", "zh").stdout
    assert "基本回复码" in zh and "服务商特有" in zh


def test_list_json_is_one_object_per_line():
    r = run("--list", "--json")
    assert r.exit_code == 0
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert len(rows) == len(BASIC_CODES) + 3 + 8 + len(all_codes()) + len(VENDOR_CODES)
    for row in rows:
        for key in ("code", "enhanced", "kind", "title", "explanation", "phases", "next_steps",
                    "mismatch", "vendor"):  # fmt: skip
            assert key in row
    assert {r["table"] for r in rows} == {"basic", "class", "subject", "enhanced", "vendor"}
    assert any(r["enhanced"] == "X.7.30" and r["associated"] == "550" for r in rows)


def test_bad_input_is_one_line_on_stderr_and_exit_2():
    for args in (["99x"], ["6000"], ["hello world"], [], ["535", "--list"]):
        r = run(*args)
        assert r.exit_code == 2, args
        assert r.stdout == "", args
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("smtptui explain: "), (args, r.stderr)
        assert "Traceback" not in r.stderr
    zh = run("99x", "--lang", "zh")
    assert zh.exit_code == 2 and CJK.search(zh.stderr)


def test_unknown_language_is_a_usage_error():
    r = run("535", "--lang", "fr")
    assert r.exit_code == 2 and "Traceback" not in r.output
