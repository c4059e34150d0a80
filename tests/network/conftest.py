import pytest

from tests.network.factories import make_lean_leader
from tests.projects.factories import make_project


@pytest.fixture
def leader(other_department):
    """A Lean Leader in Public Works who used 5S and offers peer coaching."""
    person, _ = make_lean_leader(
        department=other_department,
        full_name="Lee Leader",
        job_title="Street Inspector",
        tools=(("five_s", "standard_work"),),
        title="Pothole repairs in two days",
        story="We sorted the yard with 5S.",
        peer_coach=True,
    )
    return person


@pytest.fixture
def hidden_leader(department):
    person, _ = make_lean_leader(
        department=department,
        full_name="Hana Hidden",
        tools=(("five_s",),),
        title="Hidden pothole project",
        story="Hidden 5S story",
        hidden=True,
        peer_coach=True,
    )
    return person


@pytest.fixture
def project(trainee):
    """The trainee's project in progress."""
    return make_project(trainee)
