"""The pages whose strings are all marked, in Spanish: the right `lang`, no axe-core violation,
and nothing wider than a 375-pixel phone once the longer Spanish strings are in. The switcher is
used with the keyboard only, on the sign-in page and from the account menu.

Every page joins this sweep once its strings are marked (tests/leanleaders/test_pseudo_locale.py
lists the pages still to do).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.browser.conftest import ARTIFACTS, horizontal_overflow, save_screenshot
from tests.factories import TEST_PASSWORD, AnalystFactory, TraineeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ANONYMOUS_PAGES = ["login", "signup", "password_reset", "password_reset_done", "signup-done"]
SIGNED_IN_PAGES = ["password_change", "password_change_done"]


def _check(page, axe, label: str, problems: list[str]) -> None:
    language = page.evaluate("document.documentElement.lang")
    if language != "es":
        problems.append(f"{label}: lang={language!r}")
    for violation in axe():
        problems.append(f"{label}: {violation['id']} ({violation['help']}) {violation['nodes']}")
    if wide := horizontal_overflow(page):
        problems.append(f"{label}: wider than the phone: {wide}")
    ARTIFACTS.mkdir(exist_ok=True)
    save_screenshot(page, ARTIFACTS / f"es-{label.strip('/').replace('/', '_') or 'home'}.png")


def test_marked_pages_in_spanish_on_a_phone(page, live_server, axe):
    page.set_viewport_size({"width": 375, "height": 800})
    problems: list[str] = []

    # Anonymous: the sign-in page's switcher, by keyboard only.
    page.goto(live_server.url + reverse("login"))
    assert page.evaluate("document.documentElement.lang") == "en"
    spanish = page.locator('button[name="language"][value="es"]')
    spanish.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", level=1).inner_text() == "Inicie sesión en Lean Leaders"
    for name in ANONYMOUS_PAGES:
        page.goto(live_server.url + reverse(name))
        _check(page, axe, reverse(name), problems)
    page.goto(live_server.url + "/no-such-page/")
    _check(page, axe, "404 anonymous", problems)

    # Signed in (in Spanish now), with pages of the layout's account menu and error pages.
    trainee = TraineeFactory(email="tina@sfgov.org", full_name="Tina Trainee")
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("Correo electrónico").fill(trainee.email)
    page.get_by_role("textbox", name="Contraseña").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Iniciar sesión").click()
    page.wait_for_url(f"{live_server.url}/")
    trainee.refresh_from_db()
    assert trainee.language == "es"  # chosen before signing in, kept on the profile
    for name in SIGNED_IN_PAGES:
        page.goto(live_server.url + reverse(name))
        _check(page, axe, reverse(name), problems)
    for label, path in [("404", "/no-such-page/"), ("403", reverse("people"))]:
        page.goto(live_server.url + path)
        _check(page, axe, f"{label} trainee", problems)

    # The account menu on the phone: open it and its switcher with the keyboard.
    page.goto(live_server.url + reverse("password_change"))
    page.get_by_role("button", name="Mostrar menú").click()
    page.get_by_role("button", name="Tina Trainee").focus()
    page.keyboard.press("Enter")
    chinese = page.locator('.dropdown-menu button[name="language"][value="zh-hant"]')
    chinese.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.evaluate("document.documentElement.lang") == "zh-hant"
    assert page.get_by_role("heading", level=1).inner_text() == "變更您的密碼"
    trainee.refresh_from_db()
    assert trainee.language == "zh-hant"
    assert problems == [], "\n".join(problems)


def test_an_analyst_sees_the_layout_in_spanish(page, live_server, axe, sign_in):
    # Saved on their profile earlier: signing in on this browser brings it.
    sign_in(AnalystFactory(email="ana@sfgov.org", full_name="Ana Analyst", language="es"))
    page.set_viewport_size({"width": 375, "height": 800})
    problems: list[str] = []
    for name in SIGNED_IN_PAGES:
        page.goto(live_server.url + reverse(name))
        _check(page, axe, f"{reverse(name)} analyst", problems)
    assert page.locator(f'a[href="{reverse("outbox")}"]').inner_text() == "Bandeja de salida"
    assert problems == [], "\n".join(problems)
