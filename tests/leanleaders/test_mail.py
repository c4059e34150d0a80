import pytest
from django.core import mail

from leanleaders.mail import HeaderInjectionError, email_queue, outbox_new_claim, outbox_send
from leanleaders.models import OutboxEmail

pytestmark = pytest.mark.django_db

CONTEXT = {"user": {"full_name": "Pat"}, "reset_url": "http://testserver/x"}


def queue(key: str = "k1", to=("pat@sfgov.org",)):
    return email_queue(
        to=to,
        template="leanleaders/emails/account_exists",
        context=CONTEXT,
        dedupe_key=key,
        reason="a test",
    )


def test_a_repeated_key_queues_one_message(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert queue() is not None
        assert queue() is None
    assert OutboxEmail.objects.count() == 1
    assert len(mail.outbox) == 1
    assert OutboxEmail.objects.get().status == OutboxEmail.Status.SENT


def test_sending_twice_delivers_once():
    outbox = queue()
    assert outbox_send(outbox_id=outbox.pk, claim=outbox_new_claim()) is True
    assert outbox_send(outbox_id=outbox.pk, claim=outbox_new_claim()) is False
    assert len(mail.outbox) == 1


def test_every_message_has_text_and_html_and_says_why(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queue()
    message = mail.outbox[0]
    assert "Why you got this: a test" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "Notification preferences" in html


def test_header_injection_in_a_recipient_is_refused():
    with pytest.raises(HeaderInjectionError):
        queue(to=["pat@sfgov.org\r\nBcc: evil@example.com"])
    assert OutboxEmail.objects.count() == 0


def test_a_broker_failure_leaves_the_message_pending(
    monkeypatch, django_capture_on_commit_callbacks
):
    from leanleaders import tasks

    def broker_down(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(tasks.send_outbox_emails_task, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        queue()
    assert OutboxEmail.objects.get().status == OutboxEmail.Status.PENDING
    assert mail.outbox == []


def test_subjects_are_plain_text_and_only_the_html_is_escaped(
    trainee, manager, django_capture_on_commit_callbacks
):
    from applications.services import application_submit
    from tests.applications.factories import ApplicationFactory

    title = 'Fix "intake" <queue> & Co\'s backlog'
    application = ApplicationFactory(trainee=trainee, manager=manager, title=title)
    with django_capture_on_commit_callbacks(execute=True):
        application_submit(application_id=application.pk, by=trainee)
    message = mail.outbox[0]
    assert message.subject.endswith(f"asks for your sign-off: {title}")
    assert title in message.body
    html, _ = message.alternatives[0]
    assert "Fix &quot;intake&quot; &lt;queue&gt; &amp; Co&#x27;s backlog" in html


def test_the_tasks_enqueued_by_name_run_in_a_process_that_imported_nothing_else():
    """The outbox and the org import enqueue their tasks by name. In a fresh process with no
    broker (the demo's eager mode), the names must resolve to the registered tasks, or the
    messages would wait for a sweeper that the demo does not run."""
    from tests.leanleaders.test_observability import run_django

    done = run_django(
        "from celery import current_app; "
        "from leanleaders.mail import SEND_BATCH_TASK; "
        "from leanleaders.services import READ_ORG_IMPORT_TASK; "
        "names = (SEND_BATCH_TASK, READ_ORG_IMPORT_TASK); "
        "print([current_app.signature(name).type.name for name in names])",
        DEBUG="1",
        REDIS_URL="",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(
        ["leanleaders.tasks.send_outbox_emails_task", "leanleaders.tasks.read_org_import_task"]
    )
