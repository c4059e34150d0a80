"""Tokens: made and revoked on a page, shown once, stored hashed, logged, limited; CORS and open
data only when the city turns them on; ETag polls answer 304."""

import datetime as dt
import hashlib

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from api.models import ApiCall, ApiToken
from api.services import api_token_create
from leanleaders.models import AuditEvent
from reporting.selectors.program import ReportFilters, program_report

pytestmark = pytest.mark.django_db

PROGRAM = "/api/v1/program/"
PROJECTS = "/api/v1/projects/"


def bearer(token: str) -> Client:
    return Client(headers={"authorization": f"Bearer {token}"})


def test_analyst_makes_a_token_shown_once_and_stored_hashed(client_for, analyst):
    client = client_for(analyst)
    page = client.post(reverse("api:token-list"), {"name": "Scorecard", "expires": ""})
    assert page.status_code == 200
    secret = page.context["new_token"]
    assert secret.startswith("ll_")
    assert secret in page.content.decode()
    assert "no-store" in page["Cache-Control"] or "max-age=0" in page["Cache-Control"]
    row = ApiToken.objects.get()
    assert row.owner == analyst
    assert row.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {row.prefix, row.key_hash, row.name}
    assert AuditEvent.objects.filter(action="api-token-created").exists()
    # Never again: the list shows only its first characters.
    again = client.get(reverse("api:token-list")).content.decode()
    assert secret not in again
    assert row.prefix in again
    # And it reads the API.
    assert bearer(secret).get(PROGRAM).status_code == 200


def test_a_token_without_a_name_is_refused_and_nothing_is_made(client_for, analyst):
    page = client_for(analyst).post(reverse("api:token-list"), {"name": "  ", "expires": ""})
    assert page.status_code == 200
    assert "This field is required" in page.content.decode()
    assert not ApiToken.objects.exists()


def test_an_expiry_in_the_past_is_refused(client_for, analyst):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    page = client_for(analyst).post(
        reverse("api:token-list"), {"name": "Old", "expires": yesterday.isoformat()}
    )
    assert "The expiry date must be in the future." in page.content.decode()
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("role", ["trainee", "manager", "anonymous"])
def test_only_analysts_reach_the_token_page(request, client_for, role):
    response = client_for(request.getfixturevalue(role)).get(reverse("api:token-list"))
    assert response.status_code in (302, 403)
    assert not ApiToken.objects.exists()


def test_revoked_token_stops_working(client_for, analyst, token):
    row = ApiToken.objects.get()
    assert bearer(token).get(PROGRAM).status_code == 200
    response = client_for(analyst).post(reverse("api:token-revoke", args=[row.pk]))
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.revoked_at is not None
    assert bearer(token).get(PROGRAM).status_code == 401


def test_another_analysts_token_cannot_be_revoked(client_for, analyst, token):
    from tests.factories import AnalystFactory

    row = ApiToken.objects.get()
    response = client_for(AnalystFactory()).post(reverse("api:token-revoke", args=[row.pk]))
    assert response.status_code == 404
    row.refresh_from_db()
    assert row.revoked_at is None


def test_expired_token_stops_working(analyst, time_machine):
    _row, secret = api_token_create(
        by=analyst, name="Short", expires_at=timezone.now() + dt.timedelta(hours=1)
    )
    assert bearer(secret).get(PROGRAM).status_code == 200
    time_machine.move_to(timezone.now() + dt.timedelta(hours=2))
    assert bearer(secret).get(PROGRAM).status_code == 401


@pytest.mark.parametrize("header", [None, "Bearer ll_not-a-token", "Basic dXNlcjpwYXNz", "Bearer "])
def test_no_or_unknown_token_answers_401(db, header):
    client = Client(headers={"authorization": header} if header else {})
    response = client.get(PROJECTS)
    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}


def test_every_call_is_logged(token):
    bearer(token).get(f"{PROJECTS}?verdict=improved")
    call = ApiCall.objects.get()
    assert call.token == ApiToken.objects.get()
    assert call.method == "GET"
    assert call.path == f"{PROJECTS}?verdict=improved"
    assert ApiToken.objects.get().last_used_at is not None


def test_calls_over_the_limit_per_minute_answer_429(settings, token, time_machine):
    settings.LEANLEADERS_API_CALLS_PER_MINUTE = 3
    client = bearer(token)
    assert [client.get(PROGRAM).status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get(PROGRAM)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    assert refused.json() == {"detail": "Too many requests."}
    time_machine.move_to(timezone.now() + dt.timedelta(seconds=61))
    assert client.get(PROGRAM).status_code == 200


def test_the_limit_is_per_token(settings, analyst, token):
    settings.LEANLEADERS_API_CALLS_PER_MINUTE = 1
    _row, other = api_token_create(by=analyst, name="Other")
    assert bearer(token).get(PROGRAM).status_code == 200
    assert bearer(token).get(PROGRAM).status_code == 429
    assert bearer(other).get(PROGRAM).status_code == 200


@pytest.mark.parametrize(
    "url", [PROJECTS, PROGRAM, "/api/v1/cohorts/", "/api/v1/departments/", "/api/v1/schema/"]
)
def test_a_poll_with_if_none_match_gets_304(api_client, dataset, url):
    first = api_client.get(url)
    etag = first["ETag"]
    assert etag
    again = api_client.get(url, headers={"if-none-match": etag})
    assert again.status_code == 304
    assert again.content == b""


def test_a_change_to_the_data_changes_the_tag(api_client, dataset):
    etag = api_client.get(PROJECTS)["ETag"]
    project = dataset.projects["Ana"]
    project.title = "Faster permits"
    project.save()
    changed = api_client.get(PROJECTS, headers={"if-none-match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_responses_are_private_to_the_token(api_client, dataset):
    response = api_client.get(PROGRAM)
    assert "private" in response["Cache-Control"]
    assert "Authorization" in response["Vary"]


def test_cors_is_off_by_default(api_client):
    response = api_client.get(PROGRAM, headers={"origin": "https://dashboard.example.org"})
    assert "Access-Control-Allow-Origin" not in response


def test_cors_allows_configured_origins(settings, api_client):
    settings.CORS_ALLOWED_ORIGINS = ["https://dashboard.example.org"]
    allowed = api_client.get(PROGRAM, headers={"origin": "https://dashboard.example.org"})
    assert allowed["Access-Control-Allow-Origin"] == "https://dashboard.example.org"
    other = api_client.get(PROGRAM, headers={"origin": "https://evil.example.com"})
    assert "Access-Control-Allow-Origin" not in other


def test_open_data_is_off_by_default(dataset):
    assert Client().get(PROGRAM).status_code == 401


def test_open_data_publishes_only_the_aggregate_figures(settings, dataset, analyst):
    settings.LEANLEADERS_API_OPEN_DATA = True
    response = Client().get(PROGRAM)
    assert response.status_code == 200
    city = program_report(user=analyst, filters=ReportFilters())
    assert response.json()["total"]["accepted"] == city.total.accepted
    assert response.json()["total"]["improved"] == city.total.improved == 2
    for url in ("/api/v1/projects/", "/api/v1/cohorts/", "/api/v1/departments/"):
        assert Client().get(url).status_code == 401
