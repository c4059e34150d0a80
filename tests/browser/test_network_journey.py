"""The Lean Leader directory end to end: a trainee finds a Lean Leader by the tool they need and
asks them for a peer conversation; the peer accepts from the email's page."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from leanleaders.models import OutboxEmail
from tests.network.factories import make_lean_leader
from tests.projects.factories import make_project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_find_a_lean_leader_by_tool_and_ask_for_a_conversation(
    page, live_server, sign_in, axe, trainee, other_department, department
):
    make_project(trainee)
    leader, _ = make_lean_leader(
        department=other_department,
        full_name="Lee Leader",
        tools=(("five_s",),),
        story="We sorted the yard with 5S.",
        peer_coach=True,
    )
    make_lean_leader(department=department, full_name="Fay Fishbone", tools=(("fishbone",),))

    sign_in(trainee)
    page.get_by_role("link", name="Open the Lean Leader directory").click()
    page.get_by_label("Lean tool").select_option(label="5S")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("1 Lean Leader found.")).to_be_visible()
    expect(page.get_by_role("link", name="Fay Fishbone")).to_have_count(0)
    assert axe() == []
    page.get_by_role("link", name="Lee Leader").click()
    page.get_by_role("link", name="Ask for a conversation").click()
    page.get_by_label("What would you like to talk about?").fill("How did you keep 5S going?")
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_role("alert").filter(has_text="Request sent.")).to_be_visible()
    assert axe() == []
    mail = OutboxEmail.objects.get(to=[leader.email])
    page.context.clear_cookies()

    sign_in(leader)
    link = next(word for word in mail.body_text.split() if "/network/requests/" in word)
    page.goto(live_server.url + urlsplit(link).path)  # the email links to the site's address
    expect(page.get_by_text("How did you keep 5S going?")).to_be_visible()
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_role("alert").filter(has_text="Accepted.")).to_be_visible()
    assert axe() == []
