"""Every page, for every role, in a pseudo-locale: visible text that was never marked for
translation is found (tests/support/pseudo_locale.py).

The pages come from the URL matrix (tests/security/test_url_matrix.py): every URL a role may
open (200) over the same objects, so a new page is checked as soon as it has a URL. The error
pages are added by hand. Pages whose strings are not all marked yet are listed in `TO_DO`: the
test fails when a page outside it shows unmarked text, and when a page in it has become fully
marked (take it off the list, so the list only shrinks).

The same pages then show nothing in English to a reader of another language: every string they
look up is translated into every language offered, Django's own strings too (dates, relative
times, form texts), which Django ships for Spanish and Chinese but not for Filipino
(locale_django/, docs/translation.md).
"""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from applications.models import Application
from coaching.models import (
    CoachingRequest,
    Conversation,
    LeaderCoachingNote,
    NextStep,
    PrivateNote,
)
from cohorts.models import Cohort
from leanleaders import errors
from leanleaders.models import Department, OrgImport, OutboxEmail, User
from projects.models import Attachment, Measure, ProgressEntry
from tests.security.test_url_matrix import (  # noqa: F401  (world and its people: the matrix's fixtures)
    EXPECTED,
    OK,
    ROLES,
    executive,
    in_safe_order,
    kwargs_for,
    manager_trainee,
    named_patterns,
    sponsor,
    supervisor,
    team_member,
    world,
)
from tests.support.pseudo_locale import pseudo_translations, unmarked_text, untranslated

pytestmark = pytest.mark.django_db

APPLICATION_ANSWERS = (
    "title",
    "process_today",
    "problem",
    "evidence",
    "why_it_matters",
    "measure_name",
    "measure_unit",
    "role_and_team",
)

CONVERSATION_ANSWERS = (
    "what_we_see",
    "whats_in_the_way",
    "experiment_to_try",
    "obstacle",
    "reflection",
)

# Pages (URL names) that still show text not marked for translation, for some role: none now.
# Every page is fully marked; a new page must be too (the list only shrinks).
TO_DO: set[str] = set()


def _data() -> list[str]:
    """What the pages show as data: people's names and addresses, departments, and what people
    typed (an application's answers, a cohort's name and place, an email's subject, a file's
    name)."""
    values: list[str] = []
    for user in User.objects.all():
        values += [user.full_name, user.email, user.get_short_name()]
    for department in Department.objects.all():
        values += [department.name, department.code, str(department)]
    for application in Application.objects.all():
        values += [getattr(application, name) for name in APPLICATION_ANSWERS]
    for cohort in Cohort.objects.all():
        values += [cohort.name, cohort.location, cohort.preparation]
    values += OutboxEmail.objects.values_list("subject", flat=True)
    values += OrgImport.objects.values_list("filename", flat=True)
    # What people wrote on a project: its measures, its progress log and its files' names.
    for measure in Measure.objects.all():
        values += [measure.name, f"{measure.name} ({measure.unit})", measure.unit]
        values += [measure.collection_method, measure.baseline_period, measure.baseline_method]
    for entry in ProgressEntry.objects.all():
        values += [entry.did, entry.learned, entry.next_steps]
    values += Attachment.objects.values_list("original_name", flat=True)
    # What people wrote: the analysts' notes on coaching a leader.
    values += LeaderCoachingNote.objects.values_list("body", flat=True)
    # What coaches, leaders and trainees wrote in a conversation, its next steps and requests.
    for conversation in Conversation.objects.all():
        values += [getattr(conversation, name) for name in CONVERSATION_ANSWERS]
    values += PrivateNote.objects.values_list("text", flat=True)
    for step in NextStep.objects.all():
        values += [step.description, step.done_note]
    values += CoachingRequest.objects.values_list("note", flat=True)
    return values


def _html(response) -> str | None:
    if response.status_code >= 300 or not response["Content-Type"].startswith("text/html"):
        return None
    text = response.content.decode()
    return text if "<html" in text[:500].lower() else None


def _error_pages(users: dict[str, User | None]) -> dict[str, dict[str, str]]:
    """name -> role -> HTML of the error pages, which no URL of the matrix answers with 200."""
    pages: dict[str, dict[str, str]] = {}
    for role, user in users.items():
        client = Client()
        if user is not None:
            client.force_login(user)
        pages.setdefault("error-404", {})[role] = client.get("/no-such-page/").content.decode()
        pages.setdefault("error-400", {})[role] = client.get("/?q=%00").content.decode()
        if user is not None and user.role != User.Role.ANALYST:
            pages.setdefault("error-403", {})[role] = client.get(reverse("people")).content.decode()
    factory = RequestFactory()
    pages["error-500"] = {"anonymous": errors.server_error(factory.get("/")).content.decode()}
    request = factory.post("/accounts/profile/")
    request.user = users["trainee"]  # type: ignore[assignment]
    request.session = {}  # type: ignore[assignment]
    pages["error-403-csrf"] = {"trainee": errors.csrf_failure(request).content.decode()}
    return pages


def test_pages_show_no_unmarked_text_nor_english_in_filipino(request, world):  # noqa: F811
    users = {role: None if role == "anonymous" else request.getfixturevalue(role) for role in ROLES}
    data = _data()
    unmarked: dict[str, dict[str, list[str]]] = {}  # page -> role -> unmarked texts
    checked: set[str] = set()
    with pseudo_translations() as looked_up:
        for role, user in users.items():
            client = Client()
            if user is not None:
                client.force_login(user)
            for name, pattern in in_safe_order(named_patterns()):
                if EXPECTED.get(name, {}).get(role) != OK:
                    continue
                html = _html(client.get(reverse(name, kwargs=kwargs_for(name, pattern, world))))
                if html is None:
                    continue
                checked.add(name)
                if found := unmarked_text(html, data):
                    unmarked.setdefault(name, {})[role] = found
        for name, by_role in _error_pages(users).items():
            checked.add(name)
            for role, html in by_role.items():
                if found := unmarked_text(html, data):
                    unmarked.setdefault(name, {})[role] = found

    assert {"login", "signup", "password_reset", "error-404", "error-500"} <= checked
    not_marked = {name: texts for name, texts in unmarked.items() if name not in TO_DO}
    assert not_marked == {}, "text not marked for translation (pseudo-locale): " + "\n".join(
        f"{name} ({role}): {texts[:8]}"
        for name, by_role in sorted(not_marked.items())
        for role, texts in by_role.items()
    )
    now_marked = sorted(name for name in TO_DO & checked if name not in unmarked)
    assert now_marked == [], f"fully marked now: delete these from TO_DO: {now_marked}"
    gone = sorted(TO_DO - checked)
    assert gone == [], f"no such page any more: delete these from TO_DO: {gone}"
    in_english = untranslated(looked_up)
    assert in_english == {}, (
        "strings the pages show untranslated; Django's own, in a language Django ships none "
        f"for, go in locale_django/<language>/LC_MESSAGES/django.po (docs/translation.md): "
        f"{in_english}"
    )


def test_the_check_finds_unmarked_text_and_passes_marked_text_and_data():
    html = (
        "<html><head><title>⟦Sign in⟧ · ⟦Lean Leaders⟧</title><script>var a = 'x';</script>"
        "</head><body><h1>⟦Hello ⟦Ana⟧!⟧</h1><p>Unmarked words</p>"
        '<button aria-label="Close">-</button><span translate="no">Español</span>'
        "<p>Ana Analyst · 42 %</p><input type=submit value='Send'></body></html>"
    )
    assert unmarked_text(html, data=["Ana Analyst"]) == [
        "Unmarked words",
        "[aria-label] Close",
        "[value] Send",
    ]


def test_pseudo_translations_wrap_templates_lazy_labels_and_djangos_own_strings():
    from django import forms
    from django.template import Context, Template

    with pseudo_translations():
        rendered = Template(
            '{% load i18n %}{% translate "Home" %} {% blocktranslate count n=2 %}one{% plural %}'
            "{{ n }} things{% endblocktranslate %}"
        ).render(Context())
        field_error = forms.CharField().error_messages["required"]
        assert str(field_error) == "⟦This field is required.⟧"
    assert rendered == "⟦Home⟧ ⟦2 things⟧"
    assert str(forms.CharField().error_messages["required"]) == "This field is required."
