import pytest
from django.test import Client

from api.services import api_token_create
from tests.reporting.factories import build_dataset


@pytest.fixture
def dataset(department, other_department):
    return build_dataset(department, other_department)


@pytest.fixture
def token(analyst):
    _row, secret = api_token_create(by=analyst, name="Scorecard")
    return secret


@pytest.fixture
def api_client(token):
    """A client that sends the analyst's token on every request, as a dashboard would."""
    return Client(headers={"authorization": f"Bearer {token}"})
