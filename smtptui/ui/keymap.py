"""User key bindings: ``keymap.toml`` in the config folder remaps binding ids.

```toml
[keymap]
"composer.send" = "f9"
"session.raw" = "colon,r"
```
"""

from __future__ import annotations

import tomllib
from pathlib import Path


def keymap_path() -> Path:
    import platformdirs

    return platformdirs.user_config_path("smtptui") / "keymap.toml"


def load_keymap(path: Path | None = None) -> tuple[dict[str, str], list[str]]:
    """The ``[keymap]`` table and problems found (one sentence each); a broken
    file never stops the app, it only loses the remapping."""
    path = path or keymap_path()
    if not path.exists():
        return {}, []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        return {}, [f"{path}: cannot read it ({exc}); default keys are used"]
    except tomllib.TOMLDecodeError as exc:
        return {}, [f"{path}: {exc}; default keys are used"]
    table = data.get("keymap", {})
    problems = [
        f"{path}: unknown table [{key}] (only [keymap] is read)" for key in data if key != "keymap"
    ]
    if not isinstance(table, dict):
        return {}, [*problems, f'{path}: [keymap] must be a table of binding-id = "keys"']
    keymap: dict[str, str] = {}
    for binding_id, keys in table.items():
        if not isinstance(keys, str) or not keys.strip():
            problems.append(
                f'{path}: {binding_id!r} must be a string of keys, e.g. "f6" or "ctrl+t,f6"'
            )
            continue
        keymap[binding_id] = keys
    return keymap, problems
