"""The layout's rules, read from the source: what each layer may import and where markup lives."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _modules(package: str) -> list[Path]:
    return [p for p in (ROOT / package).rglob("*.py") if "migrations" not in p.parts]


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


FEATURE_APPS = ("applications", "cohorts", "projects", "coaching", "reporting", "api")


def test_no_app_writes_markup_or_keeps_anything_between_requests():
    banned = {
        "django.utils.html.format_html",
        "django.utils.safestring.mark_safe",
        "functools.lru_cache",
        "functools.cache",
        "django.core.cache",
    }
    found = {
        (str(path.relative_to(ROOT)), name)
        for app in ("leanleaders", *FEATURE_APPS)
        for path in _modules(app)
        for name in _imports(path) & banned
    }
    assert found == set()


# The URL map and the settings name every app; nothing else in the foundation may import one.
GATHERING = {"urls.py", "settings.py", "test_settings.py"}


def test_the_foundation_imports_no_feature_app():
    found = {
        (str(path.relative_to(ROOT)), name)
        for path in _modules("leanleaders")
        if path.name not in GATHERING
        for name in _imports(path)
        if name.split(".")[0] in FEATURE_APPS
    }
    assert found == set()
