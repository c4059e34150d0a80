"""The OpenAPI schema is valid, and property-based tests drawn from it (schemathesis, against
the running server) find no 500 and no answer outside the schema."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.specs.openapi.definitions import OPENAPI_31_VALIDATOR

from api.services import api_token_create
from tests.reporting.factories import build_dataset

pytestmark = pytest.mark.django_db(transaction=True)


def test_schema_is_valid_openapi_3(client, db):
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.1")
    # The OpenAPI 3.1 meta-schema, as schemathesis ships it.
    errors = [error.message for error in OPENAPI_31_VALIDATOR.iter_errors(schema)]
    assert errors == []
    assert set(schema["paths"]) == {
        "/api/v1/departments/",
        "/api/v1/departments/{department_id}/",
        "/api/v1/cohorts/",
        "/api/v1/cohorts/{cohort_id}/",
        "/api/v1/projects/",
        "/api/v1/projects/{project_id}/",
        "/api/v1/program/",
    }
    assert all("get" in item and len(item) == 1 for item in schema["paths"].values())


def test_docs_page_is_served(client, db):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    assert b"swagger-ui" in response.content


def test_api_answers_within_its_schema(
    live_server, department, other_department, analyst, settings
):
    """Every operation, with bounded examples (positive and negative), as the token's holder.
    Each answer must be no 500, of a status and content type the schema declares, and match its
    response schema. (schemathesis' pytest loader does not run under pytest 9 yet, so each
    operation's strategy is driven by Hypothesis directly.)"""
    settings.LEANLEADERS_API_CALLS_PER_MINUTE = 100_000
    build_dataset(department, other_department)
    _row, token = api_token_create(by=analyst, name="Schemathesis")
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/schema/")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 7

    for operation in operations:

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=15,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow],
        )
        def answers_within_schema(case):
            case.call_and_validate(headers={"Authorization": f"Bearer {token}"})

        answers_within_schema()
