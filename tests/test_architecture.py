"""Dependency direction: the library never imports the bot or a platform SDK."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PLATFORM_SDKS = {"discord": "discord", "slack_bolt": "slack", "slack_sdk": "slack"}


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_index_never_imports_bot_or_platform_sdks():
    for path in (ROOT / "index").rglob("*.py"):
        assert not imported_modules(path) & {"bot", *PLATFORM_SDKS}, path


def test_platform_sdks_are_imported_only_by_their_own_adapter():
    for path in (ROOT / "bot").rglob("*.py"):
        for sdk, platform in PLATFORM_SDKS.items():
            if sdk in imported_modules(path):
                assert path.parent == ROOT / "bot" / platform, f"{path.relative_to(ROOT)} imports {sdk}"


def test_each_platform_has_its_own_folder():
    assert not list((ROOT / "bot").glob("discord_*.py")) and not list((ROOT / "bot").glob("slack_*.py"))
    for platform in ("discord", "slack"):
        assert {p.name for p in (ROOT / "bot" / platform).glob("*.py")} >= {"__init__.py", "front.py", "render.py"}
