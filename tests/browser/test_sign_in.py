import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("role", "heading"),
    [
        ("trainee", "Welcome, Taylor"),
        ("manager", "Your department"),
        ("analyst", "Program overview"),
    ],
)
def test_each_role_signs_in_and_sees_its_home_page(
    request, page, sign_in, screenshot, axe, role, heading
):
    user = request.getfixturevalue(role)
    sign_in(user)
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
    screenshot(f"home-{role}")
    assert axe() == []


def test_sign_in_page_is_accessible_and_keyboard_usable(page, live_server, trainee, axe):
    from tests.factories import TEST_PASSWORD

    page.goto(f"{live_server.url}/accounts/login/")
    assert axe() == []
    expect(page.get_by_label("Email")).to_be_focused()  # autofocus: type straight away
    page.keyboard.type(trainee.email)
    page.keyboard.press("Tab")
    page.keyboard.type(TEST_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
