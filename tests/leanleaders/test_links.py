"""leanleaders.links, which the reporting pages still use to write their rows' links."""

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix

from leanleaders.links import link


@pytest.mark.parametrize(
    ("name", "ids"),
    [
        ("projects:project-detail", (7,)),
        ("projects:measurement-delete", (12, 3456)),
        ("projects:attachment-download", (1, 2)),
        ("coaching:conversation-create", (99,)),
        ("coaching:request-resolve", (100000,)),
        ("coaching:step-complete", (5,)),
    ],
)
def test_link_is_what_reverse_gives(name, ids):
    assert link(name, *ids) == reverse(name, args=ids)


def test_link_keeps_the_script_prefix():
    set_script_prefix("/lean/")
    try:
        assert link("projects:project-detail", 7) == "/lean/projects/7/"
    finally:
        set_script_prefix("/")
    assert link("projects:project-detail", 7) == "/projects/7/"


def test_link_refuses_a_view_without_that_many_ids():
    with pytest.raises(NoReverseMatch):
        link("projects:project-detail", 1, 2)
