"""Playwright in Debian's Chromium against Django's live server.

Outside CI, a machine without /usr/bin/chromium skips these tests with a reason; in CI a missing
browser fails the run (`.ci/run` installs it).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe.min.js"

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("CI") == "true":
        raise pytest.UsageError(f"Chromium is missing at {CHROMIUM}; CI must run browser tests.")
    skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-dev-shm-usage",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "viewport": {"width": 1280, "height": 900},
        "accept_downloads": True,
    }


# Chromium cannot capture an image taller than its largest texture (16,384 device pixels); a long
# list at twice the pixel density passes that, so screenshots keep the top of such a page.
LARGEST_CAPTURE = 16_000


def save_screenshot(page, path: Path) -> Path:
    """Save the whole page, or as much of its top as Chromium can capture, as a PNG at `path`."""
    width, height, scale = page.evaluate(
        "() => [document.scrollingElement.scrollWidth, document.scrollingElement.scrollHeight,"
        " devicePixelRatio]"
    )
    clip = {"x": 0, "y": 0, "width": width, "height": min(height, LARGEST_CAPTURE // scale)}
    page.screenshot(path=str(path), full_page=True, clip=clip)
    return path


@pytest.fixture
def screenshot(page):
    """screenshot("name") saves a full-page PNG under test-artifacts/ for people to look at."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(name: str) -> Path:
        return save_screenshot(page, ARTIFACTS / f"{name}.png")

    return take


# What a page scrolled sideways by, and the elements that stick out (none inside a box that
# scrolls or clips on its own, such as a wide table's): an empty list when nothing does.
OVERFLOW_JS = """() => {
  const root = document.scrollingElement;
  if (root.scrollWidth <= innerWidth + 1) return [];
  const clipped = el => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== "visible") return true;
    }
    return false;
  };
  const culprits = [...document.querySelectorAll("body *")]
    .filter(el => el.getBoundingClientRect().right > innerWidth + 1 && !clipped(el));
  return [`page is ${root.scrollWidth}px wide`, ...culprits.slice(-3)
    .map(el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
      + (typeof el.className === "string" && el.className ? "." + el.className.split(" ")[0] : "")
      + " " + (el.innerText || "").slice(0, 40))];
}"""


def horizontal_overflow(page) -> list[str]:
    """Why the current page needs horizontal scrolling at its viewport's width, or []."""
    # Charts redraw for a new width on the next frames (a ResizeObserver): measure after them, as
    # a person who opens the page at this width would see it.
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    return page.evaluate(OVERFLOW_JS)


# Best-practice rules on top of WCAG's: a screen reader's list of landmarks is only useful when
# no two of them have the same name (two "Trainees" regions, two unnamed navigations).
AXE_LANDMARK_RULES = (
    "landmark-unique",
    "landmark-no-duplicate-banner",
    "landmark-no-duplicate-contentinfo",
    "landmark-no-duplicate-main",
)


@pytest.fixture
def axe(page):
    """axe() runs axe-core (WCAG 2.2 A/AA rules, and unique landmark names) on the current page
    and returns violations."""
    source = AXE_JS.read_text()
    rules = {rule: {"enabled": True} for rule in AXE_LANDMARK_RULES}

    def run() -> list[dict]:
        # Evaluated through the DevTools protocol, so the page's CSP stays in force. Every rule
        # still checks every element; only violations are read, so axe is asked to describe
        # only their elements, not every element that passes (a fifth of its time).
        page.evaluate(source)
        result = page.evaluate(
            """async (rules) => await axe.run(document, {runOnly: {type: 'tag',
                values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}, rules,
                resultTypes: ['violations']})""",
            rules,
        )
        return [
            {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"]
        ]

    return run


@pytest.fixture
def sign_in(page, live_server):
    from tests.factories import TEST_PASSWORD

    def go(user, password: str = TEST_PASSWORD) -> None:
        # Leave the previous page first: a request it still has in flight (a lazily loaded
        # timeline, say), sent after the cookies were cleared, would be answered with a new CSRF
        # cookie that no longer matches the sign-in form's token.
        page.goto("about:blank")
        page.goto(f"{live_server.url}/accounts/login/")
        page.wait_for_load_state("networkidle")
        page.get_by_label("Email").fill(user.email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{live_server.url}/")

    return go
