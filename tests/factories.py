"""factory-boy factories for the shared models; each app's tests add their own beside them."""

from __future__ import annotations

import factory

from leanleaders.models import Department, User

TEST_PASSWORD = "correct-horse-battery-staple"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"Department {n}")
    code = factory.Sequence(lambda n: f"D{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@sfgov.org")
    full_name = factory.Faker("name")
    role = User.Role.TRAINEE
    department = factory.SubFactory(DepartmentFactory)
    is_active = True

    @factory.post_generation
    def password(self, create: bool, extracted: str | None, **kwargs: object) -> None:
        self.set_password(extracted or TEST_PASSWORD)
        if create:
            self.save(update_fields=["password"])


class TraineeFactory(UserFactory):
    role = User.Role.TRAINEE


class ManagerFactory(UserFactory):
    role = User.Role.MANAGER

    @factory.post_generation
    def manages(self, create: bool, extracted: list[Department] | None, **kwargs: object) -> None:
        if create:
            for department in extracted or [self.department]:
                department.managers.add(self)


class AnalystFactory(UserFactory):
    role = User.Role.ANALYST
    department = None
    is_staff = True
    is_superuser = True
