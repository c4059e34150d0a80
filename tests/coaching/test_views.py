import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from coaching import services
from coaching.models import CoachAssignment, CoachingRequest, Conversation, NextStep, PrivateNote
from cohorts.models import Enrollment
from tests.coaching.factories import MARKER, log_conversation, step
from tests.cohorts.factories import CohortFactory
from tests.factories import AnalystFactory, TraineeFactory
from tests.projects.factories import make_project

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def enroll(project, cohort):
    return Enrollment.objects.create(
        cohort=cohort, application=project.application, trainee=project.trainee, status="enrolled"
    )


def quick_entry(**overrides):
    due = (TODAY() + dt.timedelta(days=7)).isoformat()
    data = {
        "date": TODAY().isoformat(),
        "format": "gemba",
        "duration_minutes": "25",
        "what_we_see": "Forms pile up at the desk",
        "whats_in_the_way": "",
        "experiment_to_try": "A tray per clerk",
        "obstacle": "",
        "private_notes": MARKER,
        "steps-TOTAL_FORMS": "3",
        "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "10",
        "steps-0-description": "Count the trays daily",
        "steps-0-owner_role": "trainee",
        "steps-0-due_date": due,
        "steps-1-description": "Buy two trays",
        "steps-1-owner_role": "manager",
        "steps-1-due_date": due,
        "steps-2-description": "",
        "steps-2-owner_role": "trainee",
        "steps-2-due_date": due,
    }
    data.update(overrides)
    return data


# Logging a conversation


def test_analyst_logs_a_conversation_with_two_next_steps(client_for, project, analyst, manager):
    url = reverse("coaching:conversation-create", args=[project.pk])
    assert client_for(analyst).get(url).status_code == 200
    response = client_for(analyst).post(url, quick_entry())
    conversation = Conversation.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("coaching:conversation-detail", args=[conversation.pk])
    steps = list(conversation.next_steps.order_by("pk"))
    assert [(s.description, s.owner) for s in steps] == [
        ("Count the trays daily", project.trainee),
        ("Buy two trays", manager),
    ]
    assert conversation.private_note.text == MARKER


def test_quick_entry_without_a_next_step_is_refused_and_keeps_the_text(
    client_for, project, analyst
):
    data = quick_entry(**{"steps-0-description": "", "steps-1-description": ""})
    response = client_for(analyst).post(
        reverse("coaching:conversation-create", args=[project.pk]), data
    )
    assert response.status_code == 400
    assert "Agree at least one next step" in response.content.decode()
    assert "Forms pile up at the desk" in response.content.decode()
    assert not Conversation.objects.exists()


def test_a_step_without_a_date_is_refused(client_for, project, analyst):
    data = quick_entry(**{"steps-0-due_date": ""})
    response = client_for(analyst).post(
        reverse("coaching:conversation-create", args=[project.pk]), data
    )
    assert response.status_code == 400
    assert "Say by when" in response.content.decode()
    assert not Conversation.objects.exists()


def test_a_step_due_in_the_far_future_is_refused(client_for, project, analyst):
    data = quick_entry(**{"steps-0-due_date": "9999-12-31"})
    response = client_for(analyst).post(
        reverse("coaching:conversation-create", args=[project.pk]), data
    )
    assert response.status_code == 400
    assert "between 1 January 2000 and 31 December 2100" in response.content.decode()
    assert not Conversation.objects.exists()


def test_extra_fields_in_a_log_post_are_ignored(client_for, project, other_project, analyst):
    other_analyst = AnalystFactory()
    data = quick_entry(coach=other_analyst.pk, project=other_project.pk, reflection="forged")
    client_for(analyst).post(reverse("coaching:conversation-create", args=[project.pk]), data)
    conversation = Conversation.objects.get()
    assert conversation.coach == analyst
    assert conversation.project == project
    assert conversation.reflection == ""


@pytest.mark.parametrize("role", ["trainee", "manager"])
def test_trainee_and_manager_cannot_open_the_log_form(request, client_for, project, role):
    user = request.getfixturevalue(role)
    url = reverse("coaching:conversation-create", args=[project.pk])
    assert client_for(user).get(url).status_code == 403
    assert client_for(user).post(url, quick_entry()).status_code == 403
    assert not Conversation.objects.exists()


# Another person's objects answer 404 and change nothing


@pytest.fixture
def logged(project, analyst):
    conversation = log_conversation(project, analyst, private_notes=MARKER)
    request = CoachingRequest.objects.create(project=project, requested_by=project.trainee)
    return conversation, conversation.next_steps.get(), request


@pytest.mark.parametrize("role", ["other_trainee", "other_dept_manager"])
def test_outsiders_get_404_for_every_coaching_object(request, client_for, logged, project, role):
    conversation, step_, _coaching_request = logged
    client = client_for(request.getfixturevalue(role))
    gets = [
        reverse("coaching:conversation-detail", args=[conversation.pk]),
        reverse("coaching:conversation-edit", args=[conversation.pk]),
        reverse("coaching:reflection-edit", args=[conversation.pk]),
        reverse("coaching:project-timeline", args=[project.pk]),
        reverse("coaching:project-timeline", args=[project.pk]) + "?fragment=1",
        reverse("coaching:request-create", args=[project.pk]),
        reverse("coaching:coach-history", args=[project.pk]),
    ]
    for url in gets:
        assert client.get(url).status_code == 404, url
    posts = {
        reverse("coaching:step-complete", args=[step_.pk]): {"note": "hijack"},
        reverse("coaching:step-reopen", args=[step_.pk]): {},
        reverse("coaching:reflection-edit", args=[conversation.pk]): {"text": "hijack"},
        reverse("coaching:step-add", args=[conversation.pk]): {"add-description": "x"},
        reverse("coaching:request-create", args=[project.pk]): {"note": "hijack"},
        reverse("coaching:conversation-edit", args=[conversation.pk]): {"duration_minutes": 1},
    }
    for url, data in posts.items():
        assert client.post(url, data).status_code == 404, url
    step_.refresh_from_db()
    conversation.refresh_from_db()
    assert step_.status == "open"
    assert conversation.reflection == ""
    assert conversation.duration_minutes == 30
    assert NextStep.objects.count() == 1
    assert CoachingRequest.objects.count() == 1


def test_a_trainee_cannot_close_requests(client_for, logged, trainee, other_trainee):
    _, _, coaching_request = logged
    url = reverse("coaching:request-resolve", args=[coaching_request.pk])
    assert client_for(other_trainee).post(url).status_code == 404
    assert client_for(trainee).post(url).status_code == 403
    coaching_request.refresh_from_db()
    assert coaching_request.is_open


def test_reflection_post_ignores_extra_fields(client_for, logged, trainee, analyst):
    conversation, _, _ = logged
    other = AnalystFactory()
    client_for(trainee).post(
        reverse("coaching:reflection-edit", args=[conversation.pk]),
        {"text": "I saw the waiting", "coach": other.pk, "private_notes": "forged", "project": 999},
    )
    conversation.refresh_from_db()
    assert conversation.reflection == "I saw the waiting"
    assert conversation.coach == analyst
    assert PrivateNote.objects.get().text == MARKER


def test_request_post_ignores_a_forged_project(client_for, project, other_project, trainee):
    client_for(trainee).post(
        reverse("coaching:request-create", args=[project.pk]),
        {"note": "Help", "project": other_project.pk, "resolved_at": "2020-01-01"},
    )
    coaching_request = CoachingRequest.objects.get()
    assert coaching_request.project == project
    assert coaching_request.is_open


# Checking off from home


def test_trainee_checks_a_step_off_from_home_with_a_note(client_for, logged, trainee):
    _, step_, _ = logged
    home = client_for(trainee).get("/").content.decode()
    assert "Run the huddle for a week" in home
    response = client_for(trainee).post(
        reverse("coaching:step-complete", args=[step_.pk]), {"note": "Done twice", "next": "/"}
    )
    assert response.url == "/"
    step_.refresh_from_db()
    assert (step_.status, step_.done_note) == ("done", "Done twice")
    assert "Run the huddle for a week" not in client_for(trainee).get("/").content.decode()


def test_step_complete_ignores_an_offsite_next(client_for, logged, trainee):
    _, step_, _ = logged
    response = client_for(trainee).post(
        reverse("coaching:step-complete", args=[step_.pk]), {"next": "https://evil.example/"}
    )
    assert response.url == reverse("coaching:conversation-detail", args=[step_.conversation_id])


def test_manager_cannot_check_off_the_trainees_step(client_for, logged, manager):
    _, step_, _ = logged
    url = reverse("coaching:step-complete", args=[step_.pk])
    assert client_for(manager).post(url).status_code == 403
    step_.refresh_from_db()
    assert step_.is_open


def test_overdue_steps_stand_out_on_the_trainees_home(client_for, logged, trainee):
    _, step_, _ = logged
    NextStep.objects.filter(pk=step_.pk).update(due_date=TODAY() - dt.timedelta(days=2))
    page = client_for(trainee).get("/").content.decode()
    assert "1 overdue" in page
    assert "Overdue: due" in page
    assert "2 days ago" in page
    assert "bi-exclamation-triangle-fill" in page


def test_manager_sees_their_peoples_open_steps_and_their_own(
    client_for, project, analyst, manager, other_dept_manager
):
    log_conversation(
        project, analyst, steps=[step("Trainee does this"), step("Manager frees time", "manager")]
    )
    page = client_for(manager).get("/").content.decode()
    assert "Trainee does this" in page
    assert "Manager frees time" in page
    assert page.count("Mark done") == 1  # only their own
    assert "Trainee does this" not in client_for(other_dept_manager).get("/").content.decode()


def test_analyst_home_counts(client_for, project, analyst):
    page = client_for(analyst).get("/").content.decode()
    assert "not coached in 14 days" in page
    assert reverse("coaching:overview") in page


def test_the_analysts_coaching_card_counts_requests_overdue_and_own_steps(
    client_for, project, analyst
):
    log_conversation(
        project,
        analyst,
        date=TODAY() - dt.timedelta(days=5),
        steps=[step("Late one", days=-2), step("Mine", owner_role="coach", days=3)],
    )
    CoachingRequest.objects.create(project=project, requested_by=project.trainee)
    CoachingRequest.objects.create(
        project=project, requested_by=project.trainee, resolved_at=timezone.now()
    )
    page = client_for(analyst).get("/").content.decode()
    assert "1</span> open coaching request" in page
    assert "1</span> overdue next step" in page
    assert "1 open next step of your own." in page
    assert "0</span> projects not coached in 14 days" in page  # coached five days ago


# Timeline


def test_timeline_interleaves_newest_first_and_filters(client_for, project, analyst, trainee):
    from projects import services as project_services
    from tests.projects.factories import add_measurements

    add_measurements(project, [20], start=TODAY() - dt.timedelta(days=5))
    project_services.progress_entry_add(
        project_id=project.pk,
        by=trainee,
        date=TODAY() - dt.timedelta(days=3),
        did="Mapped the intake",
    )
    log_conversation(project, analyst, date=TODAY() - dt.timedelta(days=1))
    url = reverse("coaching:project-timeline", args=[project.pk])
    page = client_for(trainee).get(url).content.decode()
    coaching, progress, measurement = (
        page.index("timeline-coaching"),
        page.index("timeline-progress"),
        page.index("timeline-measurement"),
    )
    assert coaching < progress < measurement
    only = client_for(trainee).get(url + "?kind=coaching").content.decode()
    assert "timeline-coaching" in only
    assert "timeline-progress" not in only
    assert "timeline-measurement" not in only
    fragment = client_for(trainee).get(url + "?fragment=1")
    assert "<html" not in fragment.content.decode()
    assert 'id="coaching-embed"' in fragment.content.decode()
    assert "Request coaching" in fragment.content.decode()


def test_project_page_embeds_the_timeline_with_a_fallback_link(client_for, project, trainee):
    page = client_for(trainee).get(reverse("projects:project-detail", args=[project.pk]))
    html = page.content.decode()
    assert 'hx-trigger="load"' in html
    assert reverse("coaching:project-timeline", args=[project.pk]) + "?fragment=1" in html
    assert "django_htmx/htmx-2" in html
    assert "htmx-config" in html


@pytest.mark.parametrize("rows", [1, 20])
def test_timeline_query_count_does_not_grow(
    client_for, project, analyst, django_assert_num_queries, rows
):
    for _ in range(rows):
        log_conversation(project, analyst, steps=[step("a"), step("b", "coach")])
    client = client_for(analyst)
    url = reverse("coaching:project-timeline", args=[project.pk])
    client.get(url)
    with django_assert_num_queries(10):  # the help of peers the trainee shared: one query
        assert client.get(url).status_code == 200


def test_timeline_follows_each_write_for_its_viewer_only(client_for, project, analyst):

    client = client_for(project.trainee)
    page_url = reverse("coaching:project-timeline", args=[project.pk]) + "?kind=coaching"
    embed_url = page_url + "&fragment=1"
    assert "No coaching conversations yet" in client.get(page_url).content.decode()
    embedded = client.get(embed_url).content.decode()
    assert embedded.startswith('<div id="coaching-embed">')
    assert "<html" not in embedded
    client.get(page_url)

    log_conversation(project, analyst, steps=[step("Try a checklist", days=7)])
    assert "Try a checklist" in client.get(page_url).content.decode()
    assert "Try a checklist" in client.get(embed_url).content.decode()
    # Whether someone may see it is checked on every request, before the kept body is read.
    assert client_for(TraineeFactory()).get(page_url).status_code == 404


# Overview and the "not coached recently" list


def _cohort_with(count, analyst, *, coached_days_ago=None):
    cohort = CohortFactory()
    projects = []
    for _ in range(count):
        project = make_project(TraineeFactory())
        enroll(project, cohort)
        if coached_days_ago is not None:
            log_conversation(
                project,
                analyst,
                date=TODAY() - dt.timedelta(days=coached_days_ago),
                steps=[step("x", days=-coached_days_ago)],
            )
        projects.append(project)
    return cohort, projects


def test_not_coached_recently_counts_never_coached_and_respects_the_setting(analyst, settings):
    from coaching import selectors

    cohort, (never, recent, stale, edge) = _cohort_with(4, analyst)
    for project, days in ((recent, 3), (stale, 20), (edge, 14)):
        log_conversation(
            project,
            analyst,
            date=TODAY() - dt.timedelta(days=days),
            steps=[step("x", days=days)],
        )
    names = {r.project for r in selectors.not_coached_recently(cohort=cohort)}
    assert names == {never, stale}
    settings.LEANLEADERS_NOT_COACHED_DAYS = 2
    names = {r.project for r in selectors.not_coached_recently(cohort=cohort)}
    assert names == {never, stale, recent, edge}


def test_overview_shows_coach_days_since_and_overdue(client_for, analyst):
    cohort, (project,) = _cohort_with(1, analyst, coached_days_ago=20)
    services.coach_assign(project_ids=[project.pk], coach_id=analyst.pk, by=analyst)
    page = client_for(analyst).get(reverse("coaching:overview") + f"?cohort={cohort.pk}")
    html = page.content.decode()
    assert project.trainee.full_name in html
    assert "Ana Analyst" in html
    assert "Not coached in 14 days" in html
    assert "1 overdue" in html
    assert ">20<" in html


def test_overview_counts_every_open_request_and_pages_through_them(client_for, analyst):
    cohort, projects = _cohort_with(12, analyst)
    for project in projects:
        CoachingRequest.objects.create(project=project, requested_by=project.trainee, note="Hi")
    CoachingRequest.objects.create(
        project=projects[0], requested_by=projects[0].trainee, resolved_at=timezone.now()
    )
    client = client_for(analyst)
    url = reverse("coaching:overview") + f"?cohort={cohort.pk}&attention=1"
    first = client.get(url).content.decode()
    assert '<span class="badge text-bg-info text-dark">12</span>' in first
    assert first.count("Log a conversation<span") == 10
    assert "Requests 1\u201310 of 12" in first
    assert f"?cohort={cohort.pk}&amp;attention=1&amp;requests=2#requests-heading" in first
    second = client.get(url + "&requests=2").content.decode()
    assert second.count("Log a conversation<span") == 2
    assert "Requests 11\u201312 of 12" in second
    assert f"?cohort={cohort.pk}&amp;attention=1&amp;requests=1#requests-heading" in second
    # The oldest first: the first page has the first ten asked.
    names = [p.trainee.full_name for p in projects]
    assert all(f"<strong>{name}</strong>" in first for name in names[:10])
    assert all(f"<strong>{name}</strong>" in second for name in names[10:])


def test_overview_shows_a_page_of_trainees_and_counts_them_all(
    client_for, analyst, monkeypatch, django_assert_num_queries
):
    """Every project in progress is a thousand rows on a large city: they come a page at a
    time, and the counts above them still count every page (one query more than a list that
    fits on one)."""
    from coaching import views

    monkeypatch.setattr(views, "OVERVIEW_PAGE", 2)
    cohort, projects = _cohort_with(5, analyst)
    for project in projects[:3]:  # coached recently, so not counted as "not coached"
        log_conversation(
            project, analyst, date=TODAY() - dt.timedelta(days=2), steps=[step("late", days=-1)]
        )
    names = sorted(p.trainee.full_name for p in projects)
    client = client_for(analyst)
    url = reverse("coaching:overview") + f"?cohort={cohort.pk}"
    pages = []
    for number in (1, 2, 3):
        client.get(f"{url}&page={number}")
        with django_assert_num_queries(7):
            pages.append(client.get(f"{url}&page={number}").content.decode())
    for number, page in enumerate(pages, start=1):
        shown = [name for name in names if f'<span class="fw-semibold">{name}</span>' in page]
        assert shown == names[(number - 1) * 2 : number * 2]
        assert f"Page {number} of 3" in page
        assert '<i class="bi bi-hourglass-split" aria-hidden="true"></i> 2</span>' in page
        assert '<i class="bi bi-exclamation-triangle-fill" aria-hidden="true"></i> 3</span>' in page
    assert f'href="?cohort={cohort.pk}&amp;page=2#trainees-heading">Next</a>' in pages[0]
    # Those needing attention, a page of them too: the same counts.
    attention = client.get(f"{url}&attention=1&page=2").content.decode()
    assert "Page 2 of 3" in attention
    assert '<i class="bi bi-hourglass-split" aria-hidden="true"></i> 2</span>' in attention


def test_overview_without_open_requests_has_no_requests_section(client_for, analyst):
    cohort, _ = _cohort_with(1, analyst)
    page = client_for(analyst).get(reverse("coaching:overview") + f"?cohort={cohort.pk}")
    assert "Coaching requests" not in page.content.decode()


def test_cohort_picker_lists_cohorts_with_their_month_and_the_chosen_one(client_for, analyst):
    chosen = CohortFactory(name="Spring & <Summer>")
    other = _cohort_starting("Autumn", -400)
    CohortFactory(name="Gone", status="cancelled")
    for view in ("coaching:overview", "coaching:assign"):
        html = client_for(analyst).get(reverse(view) + f"?cohort={chosen.pk}").content.decode()
        assert (
            f'<option value="{chosen.pk}" selected>Spring &amp; &lt;Summer&gt; '
            f"({chosen.day1:%b %Y})</option>"
            f'<option value="{other.pk}">Autumn ({other.day1:%b %Y})</option>'
        ) in html
        assert '<option value="all">All projects in progress</option>' in html
        assert "Gone" not in html


def test_cohort_picker_lists_the_cohorts_around_the_chosen_one_and_moves_along(
    client_for, analyst, monkeypatch
):
    """However many cohorts the program has run, the picker offers a few each side of the one
    shown (of the latest started for every project), with links to the nearest beyond."""
    from coaching import views

    monkeypatch.setattr(views, "PICKER_SPAN", 2)
    # Newest first: cohorts[0] starts in 10 weeks, cohorts[9] started 10 weeks ago.
    cohorts = [_cohort_starting(f"Week {i}", 70 - 14 * i) for i in range(10)]
    client = client_for(analyst)

    def picker(query):
        html = client.get(reverse("coaching:overview") + query).content.decode()
        shown = [c.name for c in cohorts if f'<option value="{c.pk}"' in html]
        return html, shown

    html, shown = picker(f"?cohort={cohorts[4].pk}&attention=1")
    assert shown == ["Week 2", "Week 3", "Week 4", "Week 5", "Week 6"]
    assert f'<option value="{cohorts[4].pk}" selected>' in html
    assert f'<a href="?cohort={cohorts[1].pk}&amp;attention=1">Newer cohorts</a>' in html
    assert f'<a href="?cohort={cohorts[7].pk}&amp;attention=1">Older cohorts</a>' in html
    # At either end the picker fills up from the other side, and has no link beyond it.
    html, shown = picker(f"?cohort={cohorts[0].pk}")
    assert shown == ["Week 0", "Week 1", "Week 2", "Week 3", "Week 4"]
    assert "Newer cohorts" not in html
    assert f'<a href="?cohort={cohorts[5].pk}">Older cohorts</a>' in html
    html, shown = picker(f"?cohort={cohorts[9].pk}")
    assert shown == ["Week 5", "Week 6", "Week 7", "Week 8", "Week 9"]
    assert "Older cohorts" not in html
    # Every project in progress, and the page's own choice: around the latest started (Week 5).
    for query in ("?cohort=all", ""):
        assert picker(query)[1] == ["Week 3", "Week 4", "Week 5", "Week 6", "Week 7"]
    # A cancelled cohort is not offered: the picker shows where it would be.
    gone = _cohort_starting("Called off", 7)  # between Week 4 and Week 5
    gone.status = "cancelled"
    gone.save()
    assert picker(f"?cohort={gone.pk}")[1] == ["Week 3", "Week 4", "Week 5", "Week 6", "Week 7"]


def test_overview_of_a_cancelled_cohort_or_none_at_all(client_for, analyst):
    cancelled = CohortFactory(name="Called off", status="cancelled")
    client = client_for(analyst)
    page = client.get(reverse("coaching:overview") + f"?cohort={cancelled.pk}")
    assert '<h1 class="h3 mb-0">Coaching: Called off</h1>' in page.content.decode()
    assert client.get(reverse("coaching:overview") + "?cohort=999999").status_code == 404


def _cohort_starting(name, days_from_now):
    day1 = TODAY() + dt.timedelta(days=days_from_now)
    return CohortFactory(
        name=name, day1=day1, day2=day1 + dt.timedelta(days=1), day3=day1 + dt.timedelta(days=30)
    )


def test_overview_defaults_to_the_latest_cohort_that_has_started(client_for, analyst):
    started = _cohort_starting("Started", -10)
    _cohort_starting("Earlier", -100)
    _cohort_starting("Next", 10)
    html = client_for(analyst).get(reverse("coaching:overview")).content.decode()
    assert '<h1 class="h3 mb-0">Coaching: Started</h1>' in html
    assert f'<option value="{started.pk}" selected>' in html


@pytest.mark.parametrize("rows", [1, 20])
def test_overview_query_count_does_not_grow(client_for, analyst, django_assert_num_queries, rows):
    cohort, projects = _cohort_with(rows, analyst, coached_days_ago=3)
    services.coach_assign(project_ids=[p.pk for p in projects], coach_id=analyst.pk, by=analyst)
    client = client_for(analyst)
    url = reverse("coaching:overview") + f"?cohort={cohort.pk}"
    client.get(url)
    with django_assert_num_queries(6):
        response = client.get(url)
    assert response.content.decode().count("Log<span") == rows


def test_assign_page_assigns_all_projects_of_a_cohort(client_for, analyst):
    cohort, projects = _cohort_with(3, analyst)
    _cohort_with(1, analyst)  # another cohort: untouched
    coach = AnalystFactory(full_name="Jordan Coach")
    url = reverse("coaching:assign") + f"?cohort={cohort.pk}"
    assert client_for(analyst).get(url).status_code == 200
    response = client_for(analyst).post(url, {"coach": coach.pk, "everyone": "on"})
    assert response.status_code == 302
    assigned = CoachAssignment.objects.filter(coach=coach, ended_at__isnull=True)
    assert {a.project for a in assigned} == set(projects)


def test_assign_selected_projects_only(client_for, analyst):
    cohort, projects = _cohort_with(3, analyst)
    url = reverse("coaching:assign") + f"?cohort={cohort.pk}"
    client_for(analyst).post(url, {"coach": analyst.pk, "projects": [projects[0].pk]})
    assert list(CoachAssignment.objects.values_list("project", flat=True)) == [projects[0].pk]
    response = client_for(analyst).post(url, {"coach": analyst.pk})
    assert response.status_code == 400
    assert "Tick the projects" in response.content.decode()


def test_coaching_pages_are_for_analysts(client_for, trainee, manager):
    for user in (trainee, manager):
        assert client_for(user).get(reverse("coaching:overview")).status_code == 403
        assert client_for(user).get(reverse("coaching:assign")).status_code == 403


def test_overview_follows_each_write_and_query_string(client_for, analyst):

    cohort, (project,) = _cohort_with(1, analyst)
    other, _ = _cohort_with(1, analyst)
    client = client_for(analyst)
    url = reverse("coaching:overview") + f"?cohort={cohort.pk}"
    assert "Not coached in" in client.get(url).content.decode()
    client.get(url)

    log_conversation(project, analyst, date=TODAY(), steps=[step("Try a checklist", days=7)])
    assert "Not coached in" not in client.get(url).content.decode()
    elsewhere = client.get(reverse("coaching:overview") + f"?cohort={other.pk}").content.decode()
    assert f"Coaching: {other.name}" in elsewhere


def test_a_failed_next_step_names_its_field_and_keeps_what_was_typed(client_for, logged, analyst):
    conversation, _step, _request = logged
    response = client_for(analyst).post(
        reverse("coaching:step-add", args=[conversation.pk]),
        {"add-description": "", "add-owner_role": "trainee", "add-due_date": "2026-12-24"},
        follow=True,
    )
    html = response.content.decode()
    assert "<title>Error: " in html
    assert '<a href="#id_add-description" class="alert-link">What</a>' in html
    assert '<details class="mt-3 no-print" open>' in html
    assert 'value="2026-12-24"' in html
    assert NextStep.objects.count() == 1


def test_open_steps_on_the_managers_home_do_not_look_like_checkboxes(client_for, logged, manager):
    html = client_for(manager).get(reverse("home")).content.decode()
    assert "Run the huddle for a week" in html  # the open step of their person
    assert "bi-hourglass-split" in html
    assert "bi bi-circle " not in html


# The manager's people's open next steps: the home card shows the few due soonest, and a page
# of their own lists them all


def test_the_managers_home_shows_the_steps_due_soonest_and_links_to_them_all(
    client_for, project, analyst, manager
):
    steps = [step(f"Step due in {days} days", days=days) for days in range(1, 8)]
    log_conversation(project, analyst, steps=steps)
    home = client_for(manager).get(reverse("home")).content.decode()
    assert "Step due in 5 days" in home
    assert "Step due in 6 days" not in home
    assert "Showing the 5 due soonest of 7." in home
    assert f'href="{reverse("coaching:people-steps")}">See all 7 open next steps' in home

    page = client_for(manager).get(reverse("coaching:people-steps")).content.decode()
    assert "7 open next steps" in page
    shown = [f"Step due in {days} days" for days in range(1, 8)]
    assert [page.index(text) for text in shown] == sorted(page.index(text) for text in shown)


def test_the_list_of_the_managers_people_steps_is_paged_and_counts_the_overdue(
    client_for, project, analyst, manager
):
    steps = [step(f"Step number {n:02d}", days=n - 2) for n in range(1, 28)]
    log_conversation(project, analyst, steps=steps, date=TODAY() - dt.timedelta(days=3))
    client = client_for(manager)
    first = client.get(reverse("coaching:people-steps")).content.decode()
    assert "27 open next steps" in first
    assert "1 overdue" in first  # due yesterday; the next is due today
    assert "Step number 25" in first
    assert "Step number 26" not in first
    assert "Page 1 of 2" in first
    second = client.get(reverse("coaching:people-steps") + "?page=2").content.decode()
    assert "Step number 26" in second
    assert "Step number 25" not in second


def test_a_manager_marks_their_own_step_done_from_the_list_and_comes_back_to_it(
    client_for, project, analyst, manager
):
    log_conversation(project, analyst, steps=[step("Buy two trays", owner_role="manager")])
    own = NextStep.objects.get()
    client = client_for(manager)
    url = reverse("coaching:people-steps") + "?page=1"
    assert f'value="{url}"' in client.get(url).content.decode()
    response = client.post(
        reverse("coaching:step-complete", args=[own.pk]), {"note": "Bought", "next": url}
    )
    assert response.status_code == 302
    assert response.url == url
    own.refresh_from_db()
    assert own.status == NextStep.Status.DONE
    assert "No open next steps" in client.get(url).content.decode()


def test_the_list_of_the_managers_people_steps_shows_no_one_elses(
    client_for, project, other_project, analyst, manager, other_dept_manager
):
    log_conversation(project, analyst, steps=[step("Ours to do")])
    log_conversation(other_project, analyst, steps=[step("Another department's step")])
    page = client_for(manager).get(reverse("coaching:people-steps")).content.decode()
    assert "Ours to do" in page
    assert "Another department's step" not in page


# The trainee's own open next steps: the home card shows the few due soonest, counts the
# overdue among them all, and a page of their own lists them all


def test_the_trainees_home_shows_their_steps_due_soonest_and_links_to_them_all(
    client_for, project, analyst, trainee
):
    steps = [step(f"Step due in {days} days", days=days) for days in range(-2, 6)]
    log_conversation(project, analyst, steps=steps, date=TODAY() - dt.timedelta(days=3))
    home = client_for(trainee).get(reverse("home")).content.decode()
    card = home.split('id="section-next-steps"')[1].split("</section>")[0]
    assert "Step due in 2 days" in card
    assert "Step due in 3 days" not in card
    assert "2 overdue" in card
    assert "Showing the 5 due soonest of 8." in card
    assert f'href="{reverse("coaching:my-steps")}">See all 8 open next steps' in card


def test_the_list_of_ones_own_steps_is_paged_and_comes_back_after_marking_one_done(
    client_for, project, analyst, trainee, other_trainee
):
    steps = [step(f"Step number {n:02d}", days=n - 2) for n in range(1, 28)]
    log_conversation(project, analyst, steps=steps, date=TODAY() - dt.timedelta(days=3))
    client = client_for(trainee)
    url = reverse("coaching:my-steps")
    first = client.get(url).content.decode()
    assert "Your open next steps" in first
    assert "27 open next steps" in first
    assert "1 overdue" in first
    assert "Step number 25" in first
    assert "Step number 26" not in first
    second_url = url + "?page=2"
    second = client.get(second_url).content.decode()
    assert "Step number 26" in second
    last = NextStep.objects.get(description="Step number 27")
    response = client.post(
        reverse("coaching:step-complete", args=[last.pk]), {"note": "", "next": second_url}
    )
    assert response.url == second_url
    after = client.get(second_url).content.decode()
    assert "Done: “Step number 27”." in after  # the message
    assert after.count("Step number 27") == 1  # and no longer in the list
    # Someone else's list is their own.
    assert "No open next steps" in client_for(other_trainee).get(url).content.decode()
