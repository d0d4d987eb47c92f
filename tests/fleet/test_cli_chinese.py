"""``smtptui --lang zh``: the commands' own messages in Chinese (their tables,
summaries and refusals), the protocol's words and the JSON output as they are."""

from __future__ import annotations

import json

from click.testing import CliRunner

from smtptui.cli import main
from tests.fleet.servers import ThreadedServers, profile_for, server_config, write_profiles


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_check_all_and_compare_speak_chinese_with_lang_zh(certs, tmp_path):
    valid = certs.valid()
    configs = [server_config(valid), server_config(valid, size_limit=1_000_000)]
    with ThreadedServers([*configs, server_config(certs.expired())]) as (a, b, old):
        folder = write_profiles(
            tmp_path,
            [
                profile_for("big", a, ca_file=certs.ca_file),
                profile_for("small", b, ca_file=certs.ca_file),
                profile_for("old", old, ca_file=certs.ca_file),
            ],
        )
        checked = run("--lang", "zh", "check", "--all", "--profiles-dir", str(folder))
        compared = run("--lang", "zh", "compare", "big", "small", "--profiles-dir", str(folder))
        as_json = run(
            "--lang", "zh", "compare", "big", "small", "--json", "--profiles-dir", str(folder)
        )
        english = run("compare", "big", "small", "--profiles-dir", str(folder))

    assert checked.exit_code == 1, checked.output  # "old" fails its TLS check
    header, *rows = checked.output.splitlines()
    assert header.split()[:4] == ["配置", "地址", "结果", "总耗时"]
    big = next(r for r in rows if r.startswith("big "))
    assert " 正常 " in big and "TLSv1.3" in big
    assert "已过期" in next(r for r in rows if r.startswith("old "))
    assert "4 个配置：3 个正常，1 个失败" in checked.output  # with the bundled demo
    # the columns line up although Chinese characters take two columns each
    assert big.index("127.0.0.1") == header.index("地址") + len("地址")

    assert compared.exit_code == 1
    lines = compared.output.splitlines()
    assert next(x for x in lines if "SIZE" in x).startswith("* SIZE")
    assert "服务器能力（EHLO）" in lines and "1 处差异（标有 *）" in compared.output
    assert any(x.strip().startswith("已校验") and "是" in x for x in lines)
    # JSON is for scripts: the same words whatever the language
    data = json.loads(as_json.output)
    verified = next(r for r in data["rows"] if r["field"] == "verified")
    assert verified["left"] == "yes"
    assert "Capabilities (EHLO)" in english.output and "1 difference (marked *)" in english.output


def test_refusals_and_profile_errors_in_chinese(tmp_path):
    (tmp_path / "bad.toml").write_text('name = "bad"\nhost = "smtp.example.com"\nport = 99999\n')
    usage = CliRunner().invoke(
        main, ["--lang", "zh", "compare", "demo", "--profiles-dir", str(tmp_path)]
    )
    assert usage.exit_code == 2 and "请对比两个目标" in usage.output
    both = CliRunner().invoke(
        main, ["--lang", "zh", "check", "demo", "--all", "--profiles-dir", str(tmp_path)]
    )
    assert both.exit_code == 2 and "请给出 TARGET 或 --all" in both.output
    broken = CliRunner().invoke(
        main, ["--lang", "zh", "check", "--all", "--profiles-dir", str(tmp_path)]
    )
    assert "已跳过：bad.toml: `port` 必须是 1 到 65535 之间的整数，而不是 99999" in broken.output
    unknown = CliRunner().invoke(
        main, ["--lang", "zh", "check", "dmeo", "--profiles-dir", str(tmp_path)]
    )
    assert unknown.exit_code == 2
    assert "没有名为 'dmeo' 的配置（是不是想写“demo”？）" in unknown.output
    assert "要直接连接某个主机，请写出它的完整名称或 host:port" in unknown.output
    same = CliRunner().invoke(main, ["check", "dmeo", "--profiles-dir", str(tmp_path)])
    assert "no profile named 'dmeo' (did you mean 'demo'?); to connect to a host" in same.output
