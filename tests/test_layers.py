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


# In stage order: each app may import only the foundation and the apps before it.
FEATURE_APPS = ("applications", "cohorts", "projects", "coaching", "network", "reporting", "api")


# Each exception says why it keeps nothing read from the database.
ALLOWED = {
    # The signed-in person's query is built once per process: a queryset, never its rows (each
    # request runs it afresh), so nothing read from the database outlives a request.
    ("leanleaders/backends.py", "functools.cache"),
}


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
    assert found == ALLOWED


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


def test_each_app_imports_only_the_apps_before_it():
    found = {
        (str(path.relative_to(ROOT)), name)
        for position, app in enumerate(FEATURE_APPS)
        for path in _modules(app)
        for name in _imports(path)
        if name.split(".")[0] in FEATURE_APPS[position + 1 :]
    }
    assert found == set()


# Import names of the packages only `.[dev]` installs; a production install has none of them.
DEV_ONLY_MODULES = (
    "pytest",
    "pytest_django",
    "xdist",
    "factory",
    "time_machine",
    "hypothesis",
    "playwright",
    "aiosmtpd",
    "vobject",
    "pypdf",
    "django_stubs_ext",
    "mypy",
    "schemathesis",
    "oauth2_provider",
)


def _runtime_imports(path: Path) -> set[str]:
    """Top-level names imported when the module runs: not those under `if TYPE_CHECKING:`."""
    tree = ast.parse(path.read_text())
    guarded = {
        id(child)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        for stmt in node.body
        for child in ast.walk(stmt)
    }
    names = set()
    for node in ast.walk(tree):
        if id(node) in guarded:
            continue
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


def test_the_app_runs_without_the_development_packages():
    found = {
        (str(path.relative_to(ROOT)), name)
        for app in ("leanleaders", *FEATURE_APPS)
        for path in _modules(app)
        if path.name != "test_settings.py"
        for name in _runtime_imports(path) & set(DEV_ONLY_MODULES)
    }
    assert found == set()
