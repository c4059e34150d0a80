import pytest
from django.urls import reverse

from leanleaders.mail import email_queue
from leanleaders.models import OutboxEmail

pytestmark = pytest.mark.django_db


def failed_email() -> OutboxEmail:
    outbox = email_queue(
        to=["pat@sfgov.org"],
        template="leanleaders/emails/account_exists",
        context={"user": {"full_name": "Pat"}, "reset_url": "x"},
        dedupe_key="k",
    )
    outbox.status = OutboxEmail.Status.FAILED
    outbox.last_error = "SMTPRecipientsRefused"
    outbox.save()
    return outbox


def test_analyst_sees_failures_and_resends(
    client_for, analyst, mailoutbox, django_capture_on_commit_callbacks
):
    outbox = failed_email()
    client = client_for(analyst)
    page = client.get(reverse("outbox"), {"status": "failed"}).content.decode()
    assert "SMTPRecipientsRefused" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("outbox-resend", args=[outbox.pk]))
    assert response.status_code == 302
    outbox.refresh_from_db()
    assert outbox.status == OutboxEmail.Status.SENT
    assert len(mailoutbox) == 1


def test_a_sent_email_is_not_resent(client_for, analyst, mailoutbox):
    outbox = failed_email()
    outbox.status = OutboxEmail.Status.SENT
    outbox.save()
    response = client_for(analyst).post(reverse("outbox-resend", args=[outbox.pk]), follow=True)
    assert "Only a failed email" in response.content.decode()
    assert mailoutbox == []


@pytest.mark.parametrize("role", ["trainee", "manager"])
def test_only_analysts_resend(request, client_for, role):
    outbox = failed_email()
    response = client_for(request.getfixturevalue(role)).post(
        reverse("outbox-resend", args=[outbox.pk])
    )
    assert response.status_code == 403
    outbox.refresh_from_db()
    assert outbox.status == OutboxEmail.Status.FAILED


@pytest.mark.parametrize("rows", [1, 20])
def test_outbox_page_query_count_does_not_grow(
    client_for, analyst, rows, django_assert_num_queries
):
    for n in range(rows):
        email_queue(
            to=["p@sfgov.org"],
            template="leanleaders/emails/account_exists",
            context={"user": {"full_name": "P"}, "reset_url": "x"},
            dedupe_key=f"k{n}",
        )
    client = client_for(analyst)
    with django_assert_num_queries(4):
        client.get(reverse("outbox"))
