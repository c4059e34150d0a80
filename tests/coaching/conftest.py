import shutil

import pytest


@pytest.fixture(autouse=True)
def _isolated_media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "uploads"
    yield
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


@pytest.fixture
def project(trainee, manager):
    """A project whose trainee's Day 1 was 60 days ago, so leader touchpoints count."""
    import datetime as dt

    from django.utils import timezone

    from tests.coaching.factories import seat_in_cohort
    from tests.projects.factories import make_project

    made = make_project(trainee)
    seat_in_cohort(made, day1=timezone.localdate() - dt.timedelta(days=60))
    return made


@pytest.fixture
def other_project(other_trainee):
    from tests.projects.factories import make_project

    return make_project(other_trainee)
