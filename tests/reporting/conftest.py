import pytest

from tests.reporting.factories import build_dataset


@pytest.fixture
def dataset(department, other_department):
    return build_dataset(department, other_department)
