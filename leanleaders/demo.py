"""Demo people and departments, shared by `seed_demo` and the browser tests."""

from __future__ import annotations

from dataclasses import dataclass

from leanleaders.models import Department, User

DEMO_PASSWORD = "lean-demo-2026"  # noqa: S105  (printed in the README on purpose)

DEPARTMENTS = [
    ("Public Health", "DPH"),
    ("Municipal Transportation Agency", "MTA"),
    ("Public Works", "DPW"),
    ("Human Resources", "DHR"),
    ("Public Library", "LIB"),
    ("City Administrator's Office", "ADM"),
]


@dataclass(frozen=True)
class DemoPerson:
    email: str
    full_name: str
    role: str
    department: str | None
    job_title: str = ""
    # Whom they report to (an email); front-line staff outside Public Health report to their
    # department's manager.
    supervisor: str | None = None


PEOPLE = [
    DemoPerson("analyst@sfgov.org", "Alex Rivera", "analyst", None, "Senior Performance Analyst"),
    # The top of the chain, and Public Health's executive (who applies herself).
    DemoPerson(
        "city.administrator@sfgov.org", "Carmen Ortiz", "trainee", "ADM", "City Administrator"
    ),
    DemoPerson(
        "director@sfgov.org",
        "Dana Whitfield",
        "trainee",
        "DPH",
        "Director of Clinic Operations",
        supervisor="city.administrator@sfgov.org",
    ),
    DemoPerson("analyst2@sfgov.org", "Jordan Lee", "analyst", None, "Performance Analyst"),
    DemoPerson(
        "manager@sfgov.org",
        "Morgan Chen",
        "manager",
        "DPH",
        "Clinic Operations Manager",
        supervisor="director@sfgov.org",
    ),
    DemoPerson("manager.mta@sfgov.org", "Sam Okafor", "manager", "MTA", "Transit Ops Manager"),
    DemoPerson("manager.dpw@sfgov.org", "Priya Natarajan", "manager", "DPW", "Street Services Mgr"),
    DemoPerson("manager.dhr@sfgov.org", "Daniel Brooks", "manager", "DHR", "HR Services Manager"),
    DemoPerson("manager.lib@sfgov.org", "Elena Vargas", "manager", "LIB", "Branch Manager"),
    # Public Health's alternate manager, who applies too: a manager who is also a trainee.
    DemoPerson(
        "alternate@sfgov.org",
        "Chris Yamamoto",
        "manager",
        "DPH",
        "Deputy Clinic Manager",
        supervisor="manager@sfgov.org",
    ),
    # A supervisor who manages no department: the front line's sign-offs go to her.
    DemoPerson(
        "supervisor@sfgov.org",
        "Pat Alvarez",
        "trainee",
        "DPH",
        "Eligibility Supervisor",
        supervisor="manager@sfgov.org",
    ),
    *(
        DemoPerson(email, name, "trainee", "DPH", title, supervisor="supervisor@sfgov.org")
        for email, name, title in (
            ("trainee@sfgov.org", "Taylor Nguyen", "Eligibility Worker"),
            ("trainee2@sfgov.org", "Riley Johnson", "Medical Records Clerk"),
            ("trainee3@sfgov.org", "Casey Martinez", "Pharmacy Technician"),
            ("trainee4@sfgov.org", "Jesse Reyes", "Clinic Scheduler"),
        )
    ),
    DemoPerson("trainee.mta@sfgov.org", "Jamie Patel", "trainee", "MTA", "Parking Permit Clerk"),
    DemoPerson("trainee2.mta@sfgov.org", "Drew Kim", "trainee", "MTA", "Fleet Scheduler"),
    DemoPerson("trainee.dpw@sfgov.org", "Avery Thompson", "trainee", "DPW", "Work Order Clerk"),
    DemoPerson("trainee2.dpw@sfgov.org", "Quinn Garcia", "trainee", "DPW", "Inspector"),
    DemoPerson("trainee.dhr@sfgov.org", "Harper Wilson", "trainee", "DHR", "HR Analyst"),
    DemoPerson("trainee2.dhr@sfgov.org", "Rowan Davis", "trainee", "DHR", "Benefits Specialist"),
    DemoPerson("trainee3.dhr@sfgov.org", "Kai Robinson", "trainee", "DHR", "Payroll Clerk"),
    DemoPerson("trainee.lib@sfgov.org", "Emerson Clark", "trainee", "LIB", "Librarian"),
    DemoPerson("trainee2.lib@sfgov.org", "Sage Lopez", "trainee", "LIB", "Circulation Clerk"),
    DemoPerson("trainee3.lib@sfgov.org", "Blake Turner", "trainee", "LIB", "Library Technician"),
]


def seed_people() -> dict[str, User]:
    """Create or refresh the demo departments and people; safe to run again."""
    departments = {
        code: Department.objects.update_or_create(code=code, defaults={"name": name})[0]
        for name, code in DEPARTMENTS
    }
    people: dict[str, User] = {}
    for person in PEOPLE:
        department = departments[person.department] if person.department else None
        user, _ = User.objects.update_or_create(
            email=person.email,
            defaults={
                "full_name": person.full_name,
                "role": person.role,
                "department": department,
                "job_title": person.job_title,
                "is_active": True,
                "is_staff": person.role == "analyst",
                "is_superuser": person.role == "analyst",
            },
        )
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        people[person.email] = user
    for person in PEOPLE:
        if person.role == "manager" and not person.email.startswith("alternate"):
            departments[person.department].managers.set([people[person.email]])  # type: ignore[index]
    dph = departments["DPH"]
    dph.alternate_manager = people["alternate@sfgov.org"]
    dph.save(update_fields=["alternate_manager"])
    department_managers = {
        p.department: p.email for p in PEOPLE if p.role == "manager" and "alternate" not in p.email
    }
    for person in PEOPLE:
        user = people[person.email]
        supervisor = person.supervisor
        if supervisor is None and person.role == "trainee" and person.department != "ADM":
            supervisor = department_managers.get(person.department)
        user.supervisor = people[supervisor] if supervisor else None
        user.save(update_fields=["supervisor"])
    return people
