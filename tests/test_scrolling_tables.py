"""A table that scrolls sideways on a phone is a keyboard stop with a name (WCAG 2.1.1, 4.1.2):
its scrolling box (`.table-responsive`) is focusable (`tabindex="0"`, so arrow keys scroll it),
a region, and named with a translated label, so a screen reader says what the stop is."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from applications.models import Application
from tests.applications.factories import ApplicationFactory

ROOT = Path(settings.BASE_DIR)
WRAPPER = re.compile(r"<(?P<tag>\w+)\s[^>]*class=\"[^\"]*\btable-responsive\b[^\"]*\"[^>]*>")
NAMED = re.compile(r'aria-label="\{% translate "[^"]+" %\}"|aria-labelledby="[^"]+"')
# An included table may take its label from the includer, which passes it translated.
PASSED = re.compile(r'aria-label="\{\{ (?P<name>\w+) \}\}"')


def _wrappers() -> list[tuple[str, str]]:
    return [
        (f"{path.relative_to(ROOT)}", match.group(0))
        for path in sorted((ROOT / "templates").rglob("*.html"))
        for match in WRAPPER.finditer(path.read_text())
    ]


def test_the_templates_have_scrolling_tables():
    assert len(_wrappers()) >= 15  # the scan finds them: a changed class name would pass below


@pytest.mark.parametrize(("template", "tag"), _wrappers())
def test_every_scrolling_table_is_a_named_focusable_region(template, tag):
    assert 'tabindex="0"' in tag
    assert 'role="region"' in tag
    passed = PASSED.search(tag)
    if passed is None:
        assert NAMED.search(tag), "name it with aria-label and {% translate %}, or aria-labelledby"
        return
    name = Path(template).relative_to("templates").as_posix()
    includes = [
        include
        for path in (ROOT / "templates").rglob("*.html")
        for include in re.findall(rf'\{{% include "{re.escape(name)}"[^%]*%\}}', path.read_text())
    ]
    assert includes
    for include in includes:
        assert f'{passed["name"]}=_("' in include, include


@pytest.mark.django_db
def test_a_list_page_renders_the_region(client_for, manager, trainee):
    """Rendered, in the reader's language: the label is translated like the page."""
    ApplicationFactory(trainee=trainee, status=Application.Status.SUBMITTED)
    page = client_for(manager).get(reverse("applications:application-list")).content.decode()
    assert (
        '<div class="table-responsive" tabindex="0" role="region" aria-label="Applications table">'
        in page
    )
