"""Every page, for every role, passes axe-core's WCAG 2.2 A/AA rules with zero violations.

The sweep signs in as each demo role over the demo data (`seed_demo`), opens every URL of the
resolver that takes no arguments, and follows same-site links from there, so a new page is scanned
as soon as something links to it. It opens at most `PER_PATTERN` URLs of each URL pattern (one
draft application and one approved, not all fifty) and at most `MAX_PAGES` pages per role, which
keeps the run bounded. Downloads (calendar files, exports, attachments) and HTML fragments loaded
into other pages are skipped: the fragments are scanned inside the page that loads them.

On each page, forms with required fields are also submitted empty (browser validation off) and the
page showing the errors is scanned: each form once per URL pattern, since the same form on the
pattern's other URL shows the same errors in the same page. An error page (403, 404) is scanned
once per role: every URL a role may not open answers with the same template. A trainee with no
application yet shows the empty states; a trainee with a draft is swept only where applications
show, the only pages where the two differ. Every page is also laid out 320 pixels wide (WCAG
1.4.10's reflow width), where nothing may make it scroll sideways. Violations are reported with
the URL, the rule and the elements, and a screenshot is saved.
"""

from __future__ import annotations

import json
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command
from django.urls import Resolver404, resolve, reverse

from leanleaders.demo import DEMO_PASSWORD
from leanleaders.models import Department, User
from tests.browser.conftest import ARTIFACTS, horizontal_overflow
from tests.factories import TEST_PASSWORD, TraineeFactory
from tests.security.test_url_matrix import named_patterns

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PER_PATTERN = 2
MAX_PAGES = 90
WIDE = {"width": 1280, "height": 900}  # the browser context's viewport (conftest)
NARROW = {"width": 320, "height": 640}
# Not pages: signing out, Django's own admin and the API's Swagger UI (neither is part of the
# product's pages), static files.
SKIP_PREFIXES = ("/admin/", "/api/v1/", "/static/", "/media/", "/accounts/logout/")
SKIP_NAMES = {"logout", "activate", "password_reset_confirm"}

ROLES = {
    "anonymous": None,
    "trainee": "trainee@sfgov.org",
    "manager": "manager@sfgov.org",
    "analyst": "analyst@sfgov.org",
    "trainee-with-draft": "trainee4@sfgov.org",  # the application form and its errors (STAYS_IN)
    "new-trainee": "new.trainee@sfgov.org",  # nothing yet: the empty states
}
# Where a role's sweep stays (URL names, or "namespace:" for all of one), when not everywhere. The
# trainee with a draft differs from the new trainee only where applications show: elsewhere both
# have nothing yet, the empty states that the new trainee's sweep scans.
STAYS_IN = {"trainee-with-draft": ("home", "applications:")}
# A floor, so that a broken link or a change in the demo data cannot shrink the sweep unnoticed.
MUST_SCAN = {
    "anonymous": {"login", "signup", "password_reset"},
    "trainee": {
        "home",
        "applications:application-detail",
        "cohorts:my-cohort",
        "projects:project-detail",
        "projects:measurement-add",
        "projects:progress-add",
        "coaching:conversation-detail",
    },
    "trainee-with-draft": {"applications:application-edit", "applications:application-detail"},
    "manager": {"home", "applications:application-detail", "projects:project-detail"},
    "analyst": {
        "home",
        "applications:review-queue",
        "applications:application-detail",
        "cohorts:cohort-detail",
        "cohorts:cohort-attendance",
        "projects:project-list",
        "projects:project-detail",
        "coaching:overview",
        "coaching:conversation-create",
        "people",
        "outbox",
        "api:token-list",
    },
    "new-trainee": {"home", "applications:application-create", "applications:application-list"},
}


@dataclass
class Sweep:
    role: str
    origin: str
    language: str = ""  # when set, every page must say it is in this language (`<html lang>`)
    per_pattern: int = PER_PATTERN
    stays_in: tuple[str, ...] = ()  # see STAYS_IN
    visited: dict[str, list[str]] = field(default_factory=dict)  # URL name -> paths
    scanned: set[str] = field(default_factory=set)  # URL names of the pages scanned
    pages: set[str] = field(default_factory=set)  # URL names that have answered with a page
    error_pages: set[int] = field(default_factory=set)  # the status codes whose page was scanned
    forms: list[str] = field(default_factory=list)
    # (page's URL name, form's target URL name, its required fields) of each form submitted empty
    forms_seen: set[tuple[str | None, str | None, str]] = field(default_factory=set)
    skipped: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)

    def url_name(self, path: str) -> str | None:
        try:
            match = resolve(path)
        except Resolver404:
            return None
        return match.view_name

    def wanted(self, url: str) -> str | None:
        """The path to open for this link, or None when it is not a page to scan."""
        url, _ = urldefrag(url)
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != self.origin:
            return None
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if parts.path.startswith(SKIP_PREFIXES):
            return None
        name = self.url_name(parts.path)
        if name is None or name in SKIP_NAMES:
            return None
        if self.stays_in and not any(
            name == place or (place.endswith(":") and name.startswith(place))
            for place in self.stays_in
        ):
            return None
        seen = self.visited.get(name, [])
        if path in seen or len(seen) >= self.per_pattern:
            return None
        return path


def _scan(page, axe, screenshot, sweep: Sweep, label: str) -> None:
    if sweep.language:
        language = page.evaluate("document.documentElement.lang")
        if language != sweep.language:
            sweep.violations.append(f"{sweep.role} {label}: lang={language!r}")
    found = axe()
    if not found:
        return
    slug = label.strip("/").replace("/", "_").replace("?", "_") or "home"
    screenshot(f"axe-{sweep.role}-{slug}"[:120])
    for violation in found:
        sweep.violations.append(
            f"{sweep.role} {label}: {violation['id']} ({violation['help']}) {violation['nodes']}"
        )


def _check_reflow(page, screenshot, sweep: Sweep, label: str) -> None:
    """Lay the page out 320 pixels wide; it must not scroll sideways there."""
    page.set_viewport_size(NARROW)
    try:
        wide = horizontal_overflow(page)
        if wide:
            slug = label.strip("/").replace("/", "_").replace("?", "_") or "home"
            screenshot(f"reflow-{sweep.role}-{slug}"[:120])
            sweep.violations.append(f"{sweep.role} {label}: scrolls sideways at 320 px: {wide}")
    finally:
        page.set_viewport_size(WIDE)


EMPTY_FORMS = "main form[method=post]:has([required])"


def _submit_forms_empty(page, axe, screenshot, sweep: Sweep, path: str) -> None:
    """Submit each form that has required fields with nothing in them, and scan the errors."""
    # What makes a form the same one again: its page's pattern, its target's and its fields.
    forms = page.eval_on_selector_all(
        EMPTY_FORMS,
        "forms => forms.map(f => [new URL(f.getAttribute('action') || '', location.href).pathname,"
        " [...f.querySelectorAll('[required]')].map(e => e.name).sort().join(' ')])",
    )
    page_name = sweep.url_name(urlsplit(path).path)
    for index, (target, fields) in enumerate(forms[:2]):
        seen = (page_name, sweep.url_name(target), fields)
        if seen in sweep.forms_seen:
            continue
        if page.url != sweep.origin + path:  # an earlier form's errors are showing
            page.goto(sweep.origin + path)
        form = page.locator(EMPTY_FORMS).nth(index)
        submit = form.locator("button[type=submit], button:not([type]), input[type=submit]")
        if (
            submit.count() == 0
            or not submit.first.is_visible()
            or form.get_attribute("data-confirm")
            or submit.first.get_attribute("data-confirm")
        ):
            continue
        form.evaluate("form => { form.noValidate = true; }")
        for field_ in form.locator("input[required]:not([type=hidden]), textarea[required]").all():
            if field_.get_attribute("type") not in ("checkbox", "radio", "file"):
                field_.fill("")
        with page.expect_navigation():
            submit.first.click()
        sweep.forms.append(path)
        sweep.forms_seen.add(seen)
        _scan(page, axe, screenshot, sweep, f"{path} (form {index + 1} submitted empty)")


def sweep_role(
    page,
    axe,
    screenshot,
    live_server,
    role: str,
    language: str = "",
    per_pattern: int = PER_PATTERN,
    submit_forms: bool = True,
) -> Sweep:
    sweep = Sweep(
        role=role,
        origin=live_server.url,
        language=language,
        per_pattern=per_pattern,
        stays_in=STAYS_IN.get(role, ()),
    )
    page.on("dialog", lambda dialog: dialog.dismiss())  # never confirm a destructive action
    start = [
        reverse(name)
        for name, pattern in named_patterns()
        if not pattern.pattern.converters and name not in SKIP_NAMES
    ]
    queue = deque(["/", *start])
    pages = 0
    while queue and pages < MAX_PAGES:
        link = queue.popleft()
        path = sweep.wanted(sweep.origin + link if link.startswith("/") else link)
        if path is None:
            continue
        name = sweep.url_name(urlsplit(path).path)
        sweep.visited.setdefault(name, []).append(path)
        url = sweep.origin + path
        # A pattern that has shown a page is opened straight away; any other is fetched first,
        # since a download or a bare error cannot be opened as a page.
        opened = name in sweep.pages
        answer = page.goto(url) if opened else page.request.get(url)
        kind = answer.headers.get("content-type", "")
        if not kind.startswith("text/html") or "<html" not in answer.text()[:500].lower():
            sweep.skipped.append(f"{path} ({kind.split(';')[0] or 'no content type'})")
            continue
        if answer.url != url:  # redirected: scan where it lands, once
            landed = sweep.wanted(answer.url)
            if landed is None:
                continue
            path = landed
            sweep.visited.setdefault(sweep.url_name(urlsplit(path).path), []).append(path)
        if answer.status >= 400:
            if answer.status in sweep.error_pages:
                sweep.skipped.append(f"{path} ({answer.status}, a page scanned already)")
                continue
            sweep.error_pages.add(answer.status)
        if not opened:
            page.goto(sweep.origin + path)
        pages += 1
        name = sweep.url_name(urlsplit(path).path)
        sweep.scanned.add(name)
        if answer.status < 400:
            sweep.pages.add(name)
        _scan(page, axe, screenshot, sweep, path)
        _check_reflow(page, screenshot, sweep, path)
        # Links, and form targets: some forms have a page of their own (GET shows the form).
        queue.extend(
            page.eval_on_selector_all(
                "a[href]:not([download]), form[action]",
                "els => els.map(e => new URL("
                "e.getAttribute(e.tagName === 'A' ? 'href' : 'action'), location.href).href)",
            )
        )
        if submit_forms and (role != "anonymous" or name in ("login", "signup", "password_reset")):
            _submit_forms_empty(page, axe, screenshot, sweep, path)
    return sweep


@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_passes_axe_for_each_role(page, live_server, sign_in, screenshot, axe, role):
    call_command("seed_demo", verbosity=0)
    if role == "new-trainee":
        newcomer = TraineeFactory(
            email=ROLES[role],
            full_name="Noor Newcomer",
            department=Department.objects.get(code="DPH"),
        )
        sign_in(newcomer, password=TEST_PASSWORD)
    elif ROLES[role]:
        sign_in(User.objects.get(email=ROLES[role]), password=DEMO_PASSWORD)

    sweep = sweep_role(page, axe, screenshot, live_server, role)

    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"axe-sweep-{role}.json").write_text(
        json.dumps(
            {
                "scanned": sorted(sweep.scanned),
                "not_scanned": sorted(
                    name for name, _ in named_patterns() if name not in sweep.scanned
                ),
                "visited": sweep.visited,
                "forms_submitted_empty": sweep.forms,
                "skipped": sweep.skipped,
                "violations": sweep.violations,
            },
            indent=2,
        )
    )
    assert MUST_SCAN[role] <= sweep.scanned, "the sweep no longer reaches these pages"
    assert sweep.violations == [], "\n".join(sweep.violations)
