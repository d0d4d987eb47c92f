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
}
