"""The UI's shape, as a newcomer relies on it: the app wires widgets and
screens, never the other way round (no import cycle inside ``smtptui/ui``, not
even for type hints), and widgets never probe the app for attributes."""

from __future__ import annotations

import ast
from pathlib import Path

import smtptui

UI = Path(smtptui.__file__).parent / "ui"


def _module(path: Path) -> str:
    parts = path.relative_to(UI.parent.parent).with_suffix("").parts
    name = ".".join(parts)
    return name.removesuffix(".__init__")


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def _graph() -> dict[str, set[str]]:
    modules = {_module(p): p for p in UI.rglob("*.py")}
    return {
        name: {d for d in _imports(path) if d in modules and d != name}
        for name, path in modules.items()
    }


def test_no_import_cycle_inside_the_ui_even_for_type_hints():
    graph = _graph()
    seen: set[str] = set()

    def visit(name: str, path: tuple[str, ...]) -> None:
        for dep in graph[name]:
            assert dep not in path, " → ".join((*path, dep))
            if dep not in seen:
                visit(dep, (*path, dep))
        seen.add(name)

    for name in graph:
        visit(name, (name,))


def test_widgets_and_screens_never_import_the_app_or_each_other_sideways():
    graph = _graph()
    for name, deps in graph.items():
        if name.startswith("smtptui.ui.widgets"):
            assert not {
                d for d in deps if d.startswith(("smtptui.ui.screens", "smtptui.ui.app"))
            }, name
        if name.startswith(("smtptui.ui.widgets", "smtptui.ui.screens")):
            assert "smtptui.ui.app" not in deps and "smtptui.ui.commands" not in deps, name


def test_nothing_probes_the_app_with_getattr_or_hasattr():
    offenders = []
    for path in UI.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("getattr", "hasattr")
                and node.args
                and "app" in ast.unparse(node.args[0])
            ):
                offenders.append(f"{path.name}:{node.lineno}")
    assert offenders == []
