"""The axe sweep (tests/browser/test_axe_sweep.py) once in each language, each as another role.

What a language changes is the words: `<html lang>`, axe's rules over the translated text, and
the longer strings' reflow at 320 px. So each sweep opens one URL per URL pattern, and submits no
form empty: the role sweeps scan both URLs of each pattern and every form's errors, and which URL
of a pattern is opened, or whether a form shows its errors, does not depend on the language.

A file of its own so that, with the suite's tests shared out a file at a time, the language
sweeps and the role sweeps run on different workers side by side.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command

from leanleaders.demo import DEMO_PASSWORD
from leanleaders.models import User
from tests.browser.test_axe_sweep import MUST_SCAN, ROLES, sweep_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# One sweep per language, each as another role (a sweep takes minutes: all twelve would double
# the browser tests' time), so that between them the three cover every role's pages.
LANGUAGE_SWEEPS = [("es", "trainee"), ("zh-hant", "analyst"), ("fil", "manager")]


@pytest.mark.parametrize(("language", "role"), LANGUAGE_SWEEPS)
def test_every_page_passes_axe_in_each_language(
    page, live_server, sign_in, screenshot, axe, language, role
):
    """The sweep once in each language, chosen on the person's profile: every page says its
    language (`<html lang>`), passes axe, and does not scroll sideways at 320 px with the longer
    strings in."""
    call_command("seed_demo", verbosity=0)
    person = User.objects.get(email=ROLES[role])
    person.language = language
    person.save(update_fields=["language"])
    sign_in(person, password=DEMO_PASSWORD)

    sweep = sweep_role(
        page,
        axe,
        screenshot,
        live_server,
        f"{role}-{language}",
        language=language,
        per_pattern=1,
        submit_forms=False,
    )

    assert MUST_SCAN[role] <= sweep.scanned, "the sweep no longer reaches these pages"
    assert sweep.violations == [], "\n".join(sweep.violations)
