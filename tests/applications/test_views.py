import re

import pytest
from django.urls import reverse

from applications.models import Application
from tests.applications.factories import COMPLETE, ApplicationFactory

pytestmark = pytest.mark.django_db
S = Application.Status


@pytest.fixture
def submitted(trainee, manager):
    return ApplicationFactory(trainee=trainee, manager=manager, status=S.SUBMITTED)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),
        ("trainee", 200),
        ("colleague", 404),
        ("other_trainee", 404),
        ("manager", 200),
        ("alternate_manager", 200),
        ("other_dept_manager", 404),
        ("analyst", 200),
    ],
)
def test_application_detail_by_role(request, client_for, submitted, role, expected):
    user = request.getfixturevalue(role)
    url = reverse("applications:application-detail", args=[submitted.pk])
    assert client_for(user).get(url).status_code == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 302), ("trainee", 403), ("manager", 403), ("analyst", 200)],
)
def test_review_queue_is_for_analysts(request, client_for, role, expected):
    user = request.getfixturevalue(role)
    assert client_for(user).get(reverse("applications:review-queue")).status_code == expected


@pytest.mark.parametrize(
    ("role", "expected"), [("trainee", 200), ("manager", 200), ("analyst", 403)]
)
def test_everyone_but_analysts_starts_applications(request, client_for, role, expected):
    user = request.getfixturevalue(role)
    assert client_for(user).get(reverse("applications:application-create")).status_code == (
        expected
    )


def test_save_draft_needs_only_a_title(client_for, trainee, manager):
    response = client_for(trainee).post(
        reverse("applications:application-create"),
        {"title": "Slow intake", "save": "1", "measure_direction": "lower"},
    )
    application = Application.objects.get(trainee=trainee)
    assert response.status_code == 302
    assert application.status == S.DRAFT
    assert application.manager == manager


def test_submit_names_every_missing_field_and_keeps_what_was_typed(client_for, trainee, manager):
    response = client_for(trainee).post(
        reverse("applications:application-create"),
        {
            "title": "Slow intake",
            "problem": "Takes <b>21</b> days",
            "submit": "1",
            "measure_direction": "lower",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    for label in (
        "The process as it runs today",
        "How you know",
        "What you will count or time",
        "Your role and team",
    ):
        assert f'">{label}</a>' in page
    assert "Takes &lt;b&gt;21&lt;/b&gt; days" in page  # kept, and escaped
    assert not Application.objects.exists()


def test_full_submission_goes_to_the_manager(
    client_for, trainee, manager, mailoutbox, django_capture_on_commit_callbacks
):
    data = {**COMPLETE, "manager": manager.pk, "submit": "1"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(trainee).post(reverse("applications:application-create"), data)
    assert response.status_code == 302
    assert Application.objects.get().status == S.SUBMITTED
    assert mailoutbox[0].to == [manager.email]


def test_extra_post_fields_are_ignored(client_for, trainee, manager, other_department, analyst):
    data = {
        **COMPLETE,
        "save": "1",
        "status": "accepted",
        "department": other_department.pk,
        "trainee": analyst.pk,
        "program_year": 1999,
        "version": 99,
    }
    client_for(trainee).post(reverse("applications:application-create"), data)
    application = Application.objects.get()
    assert application.status == S.DRAFT
    assert application.department == trainee.department
    assert application.trainee == trainee
    assert application.version == 1


def test_trainee_cannot_pick_a_manager_from_another_department(
    client_for, trainee, other_dept_manager
):
    data = {**COMPLETE, "manager": other_dept_manager.pk, "save": "1"}
    response = client_for(trainee).post(reverse("applications:application-create"), data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_manager_signs_off_from_the_email_link_in_one_click_after_sign_in(
    client_for, manager, submitted
):
    client = client_for(manager)
    page = client.get(reverse("applications:application-detail", args=[submitted.pk]))
    assert "Approve" in page.content.decode()
    response = client.post(
        reverse("applications:application-sign-off", args=[submitted.pk]),
        {"decision": "approve", "comment": "", "expected_version": submitted.version},
        follow=True,
    )
    submitted.refresh_from_db()
    assert submitted.status == S.MANAGER_APPROVED
    assert "Approved" in response.content.decode()


def test_double_submit_of_a_sign_off_has_one_effect_and_a_message(client_for, manager, submitted):
    client = client_for(manager)
    url = reverse("applications:application-sign-off", args=[submitted.pk])
    data = {"decision": "approve", "expected_version": submitted.version}
    client.post(url, data)
    second = client.post(url, data, follow=True)
    assert second.status_code == 200
    assert "changed since you opened the page" in second.content.decode()


@pytest.mark.parametrize("role", ["other_trainee", "other_dept_manager", "colleague"])
def test_someone_elses_application_answers_404_to_posts_and_changes_nothing(
    request, client_for, submitted, role
):
    user = request.getfixturevalue(role)
    client = client_for(user)
    for name in (
        "application-sign-off",
        "application-withdraw",
        "application-submit",
        "application-edit",
    ):
        response = client.post(
            reverse(f"applications:{name}", args=[submitted.pk]),
            {"decision": "approve", "title": "hijacked"},
        )
        assert response.status_code in (403, 404), name
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED
    assert submitted.title == COMPLETE["title"]


def test_manager_cannot_use_the_analyst_decision(client_for, manager, trainee):
    application = ApplicationFactory(trainee=trainee, status=S.MANAGER_APPROVED)
    response = client_for(manager).post(
        reverse("applications:application-decide", args=[application.pk]),
        {"decision": "decline", "comment": "no"},
    )
    assert response.status_code == 403
    application.refresh_from_db()
    assert application.status == S.MANAGER_APPROVED


def test_timeline_shows_who_did_what_with_comments(client_for, trainee, manager, submitted):
    from applications import services

    services.application_manager_decide(
        application_id=submitted.pk,
        by=manager,
        decision="request_changes",
        comment="Please <script>narrow</script> it",
    )
    page = (
        client_for(trainee)
        .get(reverse("applications:application-detail", args=[submitted.pk]))
        .content.decode()
    )
    assert "Changes requested" in page
    assert manager.full_name in page
    assert "Please &lt;script&gt;narrow&lt;/script&gt; it" in page


def test_timeline_says_signed_off_by_the_manager_once(client_for, trainee, manager, submitted):
    from applications import services

    services.application_manager_decide(application_id=submitted.pk, by=manager, decision="approve")
    page = (
        client_for(trainee)
        .get(reverse("applications:application-detail", args=[submitted.pk]))
        .content.decode()
    )
    assert re.search(rf"<strong>Signed off</strong>\s*<span[^>]*>by {manager.full_name}", page)
    assert "Signed off by the manager by" not in page


def test_review_queue_filters_by_department(client_for, analyst, trainee, other_trainee):
    mine = ApplicationFactory(trainee=trainee, status=S.MANAGER_APPROVED, title="Ours")
    ApplicationFactory(trainee=other_trainee, status=S.MANAGER_APPROVED, title="Theirs")
    page = (
        client_for(analyst)
        .get(reverse("applications:review-queue"), {"department": mine.department_id})
        .content.decode()
    )
    assert "Ours" in page
    assert "Theirs" not in page


def test_review_queue_and_list_are_kept_until_a_write_per_query_string_and_per_person(
    client_for, analyst, manager, trainee, other_trainee
):

    ours = ApplicationFactory(trainee=trainee, status=S.MANAGER_APPROVED, title="Ours")
    queue = reverse("applications:review-queue")
    client = client_for(analyst)
    assert "Ours" in client.get(queue).content.decode()
    client.get(queue)

    ApplicationFactory(trainee=other_trainee, status=S.MANAGER_APPROVED, title="Theirs")
    assert "Theirs" in client.get(queue).content.decode()
    filtered = client.get(queue, {"department": ours.department_id}).content.decode()
    assert "Ours" in filtered
    assert "Theirs" not in filtered
    # The manager's list is their own department's, though the analyst's is kept.
    everything = reverse("applications:application-list")
    assert "Theirs" in client.get(everything).content.decode()
    managers = client_for(manager).get(everything).content.decode()
    assert "Ours" in managers
    assert "Theirs" not in managers


def _many(n, department, status):
    from tests.factories import TraineeFactory

    for _ in range(n):
        ApplicationFactory(trainee=TraineeFactory(department=department), status=status)


@pytest.mark.parametrize("rows", [1, 20])
def test_review_queue_query_count_does_not_grow(
    client_for, analyst, department, rows, django_assert_num_queries
):
    _many(rows, department, S.MANAGER_APPROVED)
    client = client_for(analyst)
    with django_assert_num_queries(5):
        client.get(reverse("applications:review-queue"))


@pytest.mark.parametrize("rows", [1, 20])
def test_application_list_query_count_does_not_grow(
    client_for, manager, department, rows, django_assert_num_queries
):
    _many(rows, department, S.SUBMITTED)
    client = client_for(manager)
    with django_assert_num_queries(4):  # the departments come with the person
        client.get(reverse("applications:application-list"))


@pytest.mark.parametrize("events", [1, 20])
def test_application_detail_query_count_does_not_grow(
    client_for, trainee, manager, submitted, events, django_assert_num_queries
):
    from leanleaders.audit import audit_record

    for _ in range(events):
        audit_record(target=submitted, action="edited", by=trainee)
    client = client_for(manager)
    with django_assert_num_queries(4):  # the departments come with the person
        client.get(reverse("applications:application-detail", args=[submitted.pk]))


@pytest.mark.parametrize("rows", [1, 20])
def test_manager_home_query_count_does_not_grow(
    client_for, manager, department, rows, django_assert_num_queries
):
    _many(rows, department, S.SUBMITTED)
    client = client_for(manager)
    # A manager who leads nobody in the program (no report, no sponsorship) is not asked for them.
    with django_assert_num_queries(5):
        client.get(reverse("home"))


@pytest.mark.parametrize(("waiting", "linked"), [(10, False), (11, True)])
def test_the_managers_home_links_to_the_rest_of_the_sign_offs_only_when_there_are_more(
    client_for, manager, department, waiting, linked
):
    _many(waiting, department, S.SUBMITTED)
    html = client_for(manager).get(reverse("home")).content.decode()
    card = html[html.index('id="section-signoffs"') : html.index('id="section-people-cohorts"')]
    assert card.count('class="list-group-item') == 10
    rest = f"{reverse('applications:application-list')}?status=submitted"
    assert (f'href="{rest}"' in card) is linked
    # The list it leads to has every one of them.
    assert client_for(manager).get(rest).context["page"].paginator.count == waiting


def test_application_page_follows_each_write_for_each_viewer(
    client_for, trainee, manager, submitted
):
    import re

    from django.test import Client

    url = reverse("applications:application-detail", args=[submitted.pk])
    sign_off = reverse("applications:application-sign-off", args=[submitted.pk])
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)
    assert sign_off in client.get(url).content.decode()
    kept = client.get(url).content.decode()
    assert sign_off not in client_for(trainee).get(url).content.decode()

    # The sign-off form in the kept page carries this browser's token and the current version.
    form = kept[kept.index(f'action="{sign_off}"') :]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)[1]
    version = re.search(r'name="expected_version" value="(\d+)"', form)[1]
    client.post(
        sign_off,
        {
            "decision": "approve",
            "comment": "",
            "expected_version": version,
            "csrfmiddlewaretoken": token,
        },
    )
    submitted.refresh_from_db()
    assert submitted.status == S.MANAGER_APPROVED
    assert sign_off not in client.get(url).content.decode()


def test_a_named_manager_removed_from_the_department_no_longer_sees_or_signs_off(
    client_for, manager, submitted, department
):
    """Being named on the application is no grant: the departments managed now decide."""
    browser = client_for(manager)
    detail = reverse("applications:application-detail", args=[submitted.pk])
    assert browser.get(detail).status_code == 200
    department.managers.remove(manager)

    assert browser.get(detail).status_code == 404
    listing = browser.get(reverse("applications:application-list"))
    assert submitted.title not in listing.content.decode()
    response = browser.post(
        reverse("applications:application-sign-off", args=[submitted.pk]),
        {"decision": "approve", "comment": "", "expected_version": submitted.version},
    )
    assert response.status_code == 404
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED


def test_a_stale_edit_keeps_what_was_typed_shows_what_was_saved_and_the_next_save_keeps_it(
    client_for, trainee, manager
):
    draft = ApplicationFactory(trainee=trainee, manager=manager, status=S.DRAFT)
    opened_at = draft.version
    # Another tab saves a new problem statement after this page was opened.
    other_tab = client_for(trainee)
    url = reverse("applications:application-edit", args=[draft.pk])
    saved = {**COMPLETE, "manager": manager.pk, "save": "1", "expected_version": opened_at}
    saved["problem"] = "Renewals take 30 days now."
    assert other_tab.post(url, saved).status_code == 302
    typed = {**saved, "problem": "My own words about the problem.", "expected_version": opened_at}

    refused = client_for(trainee).post(url, typed)

    assert refused.status_code == 409
    page = refused.content.decode()
    assert "changed since you opened the page" in page
    assert "My own words about the problem." in page  # still in the form
    saved_meanwhile = re.search(r"Saved meanwhile.*?</dl>", page, re.S)
    assert saved_meanwhile is not None
    assert "Renewals take 30 days now." in saved_meanwhile.group()
    # Unchanged fields are not listed.
    assert "The process as it runs today" not in saved_meanwhile.group()
    draft.refresh_from_db()
    assert draft.problem == "Renewals take 30 days now."
    version_now = re.search(r'name="expected_version" value="(\d+)"', page)
    assert version_now is not None
    assert int(version_now.group(1)) == draft.version

    again = client_for(trainee).post(url, {**typed, "expected_version": version_now.group(1)})

    assert again.status_code == 302
    draft.refresh_from_db()
    assert draft.problem == "My own words about the problem."
