"""命令行本身的消息：启动器、补全、--version、帮助（简体中文）。"""

MESSAGES: dict[str, str | tuple[str, ...]] = {
    "cli.no_terminal": (
        "仪表盘需要终端，而{stream}不是终端；在脚本中请使用子命令："
        "{commands}（详见 smtptui --help）"
    ),
    "cli.stream.stdin": "标准输入",
    "cli.stream.stdout": "标准输出",
    "cli.version.missing": "未安装",
    "cli.completion.demo": "内置演示服务器",
    "cli.help.unknown": "没有名为 “{command}” 的命令：请查看 smtptui --help",
    "cli.skipped": "已跳过：{error}",
    "cli.not_saved": "结果未保存：{error}",
    "cli.check.scan_needs_all": "--scan 要和 --all 一起用；检查单个服务器请用：smtptui tls TARGET --scan",
    "cli.check.target_and_all": "请给出 TARGET 或 --all，不要同时给",
    "cli.check.no_target": "请指定一个 TARGET（配置名、host[:port] 或 @域名），或使用 --all",
    "cli.check.passed": "检查通过：{summary}",
    "cli.check.authenticated": "已以 {user} 认证",
    "cli.check.none": "没有可检查的配置（见：smtptui profiles list）",
    "cli.check.none_tagged": "没有带标签 {tags} 的配置可检查（见：smtptui profiles list）",
    "cli.check.single_options": "{options} 只针对一个服务器或一个登录；使用 --all 时每个配置用它自己的设置",
    "cli.check.progress": "已检查 {count}/{total}{failed}",
    "cli.check.progress_failed": "，{n} 个失败",
    "cli.check.col.profile": "配置",
    "cli.check.col.address": "地址",
    "cli.check.col.result": "结果",
    "cli.check.col.total": "总耗时",
    "cli.check.col.cert": "证书",
    "cli.check.col.extensions": "扩展",
    "cli.check.col.scan": "TLS 扫描",
    "cli.check.summary": "{n} 个配置：{ok} 个正常，{failed} 个失败（{s} 秒）",
    "cli.check.scan_heading": "{profile}（{address}）的 TLS 扫描：",
    "cli.check.untrusted": "{days} 不受信任",
    "cli.check.unverified": "{days} 未校验",
    "cli.check.helo_only": "只支持 HELO",
    "cli.compare.usage": "请对比两个目标（compare A B），或把一个目标与它上次的检查对比（compare A --last）",
    "cli.compare.no_saved": "没有保存过“{name}”的检查可供对比；这次的结果已保存，请稍后再运行同一条命令",
}
