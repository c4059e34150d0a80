import shutil

import pytest


@pytest.fixture(autouse=True)
def _isolated_media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "uploads"
    yield
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


@pytest.fixture
def project(trainee, manager):
    from tests.projects.factories import make_project

    return make_project(trainee)


@pytest.fixture
def other_project(other_trainee):
    from tests.projects.factories import make_project

    return make_project(other_trainee)
