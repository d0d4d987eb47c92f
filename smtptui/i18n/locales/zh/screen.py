"""对话框和各界面的文字（简体中文）。"""

MESSAGES: dict[str, str | tuple[str, ...]] = {
    "screen.password.title": "[b]$user[/b] 在 $where 的密码",
    "screen.password.hint": "只在 TLS 内发送，从不显示，也不写入磁盘。QQ / 163 邮箱：请使用授权码，而不是账户密码。",
    "screen.password.instead": "配置的密码来源失败：{reason}。请改为直接输入密码（仅本次运行有效）。",
    "screen.password.placeholder": "密码",
    "screen.password.remember": "本次会话内记住（仅保存在内存中）",
    "screen.password.cancel": "取消",
    "screen.password.connect": "连接",
    "screen.confirm.delete": "删除",
    "screen.confirm.cancel": "取消",
    "screen.help.title": "smtptui — 所有按键",
    "screen.help.hint": "按 Esc、q 或 F1 关闭。可在 keymap.toml 中按标识重新映射任意按键（见 README）；ctrl+p 可按名称搜索所有操作。",
    "screen.palette.connect": "连接 {name}",
    "screen.palette.show": "显示 {name}",
    "screen.palette.show_help": "切换到 {name} 的会话",
    "screen.palette.edit": "编辑配置 {name}",
}
