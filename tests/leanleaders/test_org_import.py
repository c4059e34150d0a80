"""The org import: reading the HR export, the plan it shows, and applying it all or nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from leanleaders import org_import, services
from leanleaders.models import AuditEvent, Department, OrgImport, User
from leanleaders.registry import OrgChanges, org_change_listeners
from tests.factories import DepartmentFactory, TraineeFactory
from tests.support.org_files import city, csv_bytes, person, xlsx_bytes

pytestmark = pytest.mark.django_db

# A tenth of the city: the same code paths in seconds, not minutes. bench/org_import.py runs the
# whole 30,000 (bench/README.md has its times).
CITY_SIZE = 3_000

BOSS = person(1, dept="ADM", dept_name="City Administrator", title="City Administrator")
HEAD = person(2, title="Director", supervisor="E1")
STAFF = person(3, title="Clerk", supervisor="person2@sfgov.org")
TEAM = [BOSS, HEAD, STAFF]


def upload(content: bytes, *, by=None, deactivate_missing=False, name="org.csv") -> OrgImport:
    record = services.org_import_create(
        by=by,
        filename=name,
        content=content,
        deactivate_missing=deactivate_missing,
        queue_read=False,
    )
    return services.org_import_preview(import_id=record.pk)


def imported(rows, **kwargs) -> OrgImport:
    record = upload(csv_bytes(rows), **{k: v for k, v in kwargs.items() if k != "skip"})
    return services.org_import_apply(
        import_id=record.pk, by=kwargs.get("by"), skip_rejected=kwargs.get("skip", False)
    )


def reasons(record: OrgImport) -> dict[str, list[str]]:
    return {
        row["email"] or row["employee_id"]: [
            org_import.reason_text(reason) for reason in row["reasons"]
        ]
        for row in record.plan["rejected"]
    }


def snapshot() -> list[tuple]:
    return list(
        User.objects.order_by("pk").values_list(
            "email",
            "full_name",
            "employee_id",
            "department__code",
            "job_title",
            "supervisor__email",
            "is_active",
        )
    ) + list(Department.objects.order_by("code").values_list("code", "name"))


@pytest.fixture
def listener(monkeypatch):
    calls: list[OrgChanges] = []

    def record(changes: OrgChanges, *, by) -> None:
        calls.append(changes)

    monkeypatch.setitem(org_change_listeners._items, "applications", (record,))
    return calls


# Reading the file


def test_csv_and_xlsx_give_the_same_plan():
    from_csv = upload(csv_bytes(TEAM))
    from_xlsx = upload(xlsx_bytes(TEAM), name="org.xlsx")
    assert from_csv.status == from_xlsx.status == OrgImport.Status.READY
    assert from_csv.plan == from_xlsx.plan
    assert [row["email"] for row in from_csv.plan["added"]] == [
        "person1@sfgov.org",
        "person2@sfgov.org",
        "person3@sfgov.org",
    ]


def test_common_header_spellings_and_first_and_last_name_are_understood():
    header = (
        "E-mail",
        "First name",
        "Surname",
        "EMPLID",
        "Dept ID",
        "Dept Name",
        "Title",
        "Reports To",
    )
    rows = [("Ann@SFGOV.org", "Ann", "Lee", "77", "dph", "Public Health", "Nurse", "")]
    record = upload(csv_bytes(rows, header=header))
    (added,) = record.plan["added"]
    assert added | {"row": 2} == {
        "row": 2,
        "email": "ann@sfgov.org",
        "full_name": "Ann Lee",
        "employee_id": "77",
        "department": "DPH",
        "job_title": "Nurse",
        "supervisor": "",
    }


def test_semicolon_csv_and_a_windows_encoding_are_read():
    content = b"email;name;employee id;department code;department name\n"
    content += "zoe@sfgov.org;Zoë Ruiz;9;DPH;Public Health\n".encode("cp1252")
    record = upload(content)
    assert record.plan["added"][0]["full_name"] == "Zoë Ruiz"


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"email,name\nx@sfgov.org,X\n", "no column for: Employee id, Department code"),
        (b"", "empty"),
        (b"PK\x03\x04 not really a workbook", "cannot be read"),
    ],
)
def test_a_file_that_is_not_an_hr_export_is_refused_whole(content, says):
    record = upload(content)
    assert record.status == OrgImport.Status.FAILED
    assert says in record.error
    with pytest.raises(ValidationError):
        services.org_import_apply(import_id=record.pk, by=None)


# Each reason a row is refused


def test_unknown_supervisor_is_refused():
    record = upload(csv_bytes([BOSS, person(5, supervisor="nobody@sfgov.org")]))
    assert reasons(record) == {
        "person5@sfgov.org": ["The supervisor nobody@sfgov.org is not in the file or here."]
    }


def test_duplicate_email_refuses_every_row_carrying_it():
    record = upload(
        csv_bytes([BOSS, person(5, email="same@sfgov.org"), person(6, email="same@sfgov.org")])
    )
    assert [row["row"] for row in record.plan["rejected"]] == [3, 4]
    assert "on more than one row (rows 3, 4)" in org_import.reason_text(
        record.plan["rejected"][0]["reasons"][0]
    )
    assert len(record.plan["added"]) == 1


def test_duplicate_employee_id_is_refused():
    record = upload(csv_bytes([BOSS, person(5), person(5, email="other@sfgov.org")]))
    assert len(record.plan["rejected"]) == 2
    assert "employee id E5 is on more than one row" in org_import.reason_text(
        record.plan["rejected"][0]["reasons"][0]
    )


def test_email_already_belonging_to_someone_else_is_refused():
    imported(TEAM)
    record = upload(csv_bytes([BOSS, HEAD, person(3, email="person2@sfgov.org")]))
    assert any("E2" in r or "belongs to" in r for r in reasons(record)["person2@sfgov.org"])


def test_a_cycle_in_the_reporting_chain_is_refused_with_the_chain():
    rows = [
        BOSS,
        person(5, supervisor="E6"),
        person(6, supervisor="E7"),
        person(7, supervisor="E5"),
        person(8, supervisor="E7"),
    ]
    record = upload(csv_bytes(rows))
    found = reasons(record)
    chain = "person5@sfgov.org → person6@sfgov.org → person7@sfgov.org → person5@sfgov.org"
    assert found["person5@sfgov.org"] == [f"The reporting chain comes back round: {chain}."]
    assert set(found) == {f"person{n}@sfgov.org" for n in (5, 6, 7, 8)}
    assert found["person8@sfgov.org"] == ["The supervisor's row (row 5) is refused."]


def test_own_supervisor_is_refused():
    record = upload(csv_bytes([person(5, supervisor="E5")]))
    assert "own supervisor" in reasons(record)["person5@sfgov.org"][0]


def test_an_email_outside_the_allowed_domains_is_refused(settings):
    settings.LEANLEADERS_ALLOWED_EMAIL_DOMAINS = ["sfgov.org", "sfmta.com"]
    record = upload(csv_bytes([person(5, email="x@gmail.com"), person(6, email="y@sfmta.com")]))
    assert reasons(record) == {
        "x@gmail.com": ["The email is outside the city's domains (sfgov.org, sfmta.com)."]
    }


def test_missing_fields_and_a_bad_address_are_refused():
    rows = [
        person(5, email=""),
        person(6, name=""),
        ("z@sfgov.org", "Z", "", "", "", "", ""),
        person(7, email="not-an-email"),
    ]
    found = reasons(upload(csv_bytes(rows)))
    assert found["E5"] == ["Email is missing."]
    assert found["person6@sfgov.org"] == ["Full name is missing."]
    assert found["z@sfgov.org"] == ["Employee id is missing.", "Department code is missing."]
    assert found["not-an-email"] == ["“not-an-email” is not an email address."]


def test_a_new_department_needs_a_name_and_one_code_has_one_name():
    rows = [
        person(5, dept="NEW", dept_name=""),
        person(6, dept="DPW", dept_name="Public Works"),
        person(7, dept="DPW", dept_name="Works"),
    ]
    found = reasons(upload(csv_bytes(rows)))
    assert found["person5@sfgov.org"] == [
        "Department NEW is new and the row gives no department name."
    ]
    assert found["person7@sfgov.org"] == ["Department DPW is named “Public Works” on row 3."]


def test_one_department_name_for_two_codes_is_refused():
    rows = [person(5, dept="DPW", dept_name="Works"), person(6, dept="PW", dept_name="Works")]
    found = reasons(upload(csv_bytes(rows)))
    assert found == {
        "person6@sfgov.org": ["The department name “Works” is department DPW on row 2."]
    }


# Applying


def test_applying_adds_people_departments_and_the_reporting_line(listener):
    record = imported(TEAM)
    assert record.status == OrgImport.Status.APPLIED
    staff = User.objects.get(employee_id="E3")
    assert staff.supervisor.email == "person2@sfgov.org"
    assert staff.supervisor.supervisor.employee_id == "E1"
    assert staff.department.name == "Public Health"
    assert staff.job_title == "Clerk"
    assert staff.org_synced_at is not None
    assert not staff.has_usable_password()
    assert set(Department.objects.values_list("code", flat=True)) == {"ADM", "DPH"}
    assert AuditEvent.objects.get(action="org-import-applied").data["added"] == 3
    assert listener == [OrgChanges(supervisor_changes=(), deactivated_ids=())]


def test_applying_the_same_file_twice_changes_nothing_the_second_time(listener):
    imported(TEAM)
    before = snapshot()
    again = imported(TEAM)
    counts = org_import.summary_counts(again.plan)
    assert counts | {"rows": 0} == {
        "rows": 0,
        "added": 0,
        "changed": 0,
        "unchanged": 3,
        "departments_added": 0,
        "departments_renamed": 0,
        "missing": 0,
        "rejected": 0,
    }
    assert snapshot() == before
    assert listener[-1] == OrgChanges()
    assert not AuditEvent.objects.filter(action="org-import-changed").exists()


def test_changes_show_old_and_new_and_reach_the_listeners(listener):
    imported([*TEAM, person(4, supervisor="E2")])
    moved = [
        BOSS,
        HEAD,
        person(3, title="Supervisor", supervisor="E1", dept="DPW", dept_name="Public Works"),
        person(4, supervisor="E3"),
    ]
    record = upload(csv_bytes(moved))
    changes = {row["email"]: row["changes"] for row in record.plan["changed"]}
    assert changes["person3@sfgov.org"] == [
        {"field": "Job title", "old": "Clerk", "new": "Supervisor"},
        {"field": "Department", "old": "DPH", "new": "DPW"},
        {
            "field": "Supervisor",
            "old": "Person 2 <person2@sfgov.org>",
            "new": "Person 1 <person1@sfgov.org>",
        },
    ]
    assert record.plan["departments_added"] == [{"code": "DPW", "name": "Public Works"}]
    services.org_import_apply(import_id=record.pk, by=None)
    ids = dict(User.objects.values_list("employee_id", "pk"))
    assert set(listener[-1].supervisor_changes) == {
        (ids["E3"], ids["E2"], ids["E1"]),
        (ids["E4"], ids["E2"], ids["E3"]),
    }
    assert User.objects.get(employee_id="E4").supervisor_id == ids["E3"]


def test_a_person_known_by_email_is_matched_and_given_their_employee_id(department):
    existing = TraineeFactory(email="person3@sfgov.org", department=department, full_name="P3")
    record = upload(csv_bytes(TEAM))
    assert [row["email"] for row in record.plan["added"]] == [
        "person1@sfgov.org",
        "person2@sfgov.org",
    ]
    (changed,) = record.plan["changed"]
    assert {"field": "Employee id", "old": "", "new": "E3"} in changed["changes"]
    services.org_import_apply(import_id=record.pk, by=None)
    existing.refresh_from_db()
    assert existing.employee_id == "E3"
    assert existing.full_name == "Person 3"
    assert existing.has_usable_password()  # their own password stays


def test_people_no_longer_listed_are_deactivated_only_when_asked(listener, analyst):
    imported([*TEAM, person(4, supervisor="E2")])
    never_listed = TraineeFactory(email="signup@sfgov.org")
    kept = imported(TEAM)
    assert [row["email"] for row in kept.plan["missing"]] == ["person4@sfgov.org"]
    assert User.objects.get(employee_id="E4").is_active
    record = imported(TEAM, deactivate_missing=True, by=analyst)
    assert User.objects.get(employee_id="E4").is_active is False
    never_listed.refresh_from_db()
    analyst.refresh_from_db()
    assert never_listed.is_active
    assert analyst.is_active
    assert listener[-1].deactivated_ids == (User.objects.get(employee_id="E4").pk,)
    assert record.plan["deactivate_missing"] is True


def test_a_person_whose_row_is_refused_is_not_counted_as_missing():
    imported(TEAM)
    record = upload(
        csv_bytes([BOSS, HEAD, person(3, supervisor="nobody@sfgov.org")]), deactivate_missing=True
    )
    assert record.plan["missing"] == []


def test_a_supervisor_not_in_the_file_is_refused_when_the_missing_are_deactivated():
    imported(TEAM)
    partial = [person(5, supervisor="E2")]
    assert upload(csv_bytes(partial)).plan["rejected"] == []
    record = upload(csv_bytes(partial), deactivate_missing=True)
    assert "would be deactivated" in reasons(record)["person5@sfgov.org"][0]


def test_a_file_with_refused_rows_applies_nothing_unless_confirmed():
    rows = [*TEAM, person(5, supervisor="nobody@sfgov.org")]
    record = upload(csv_bytes(rows))
    with pytest.raises(ValidationError, match="1 row is refused, so nothing was applied"):
        services.org_import_apply(import_id=record.pk, by=None)
    assert not User.objects.exists()
    services.org_import_apply(import_id=record.pk, by=None, skip_rejected=True)
    assert User.objects.count() == 3
    record.refresh_from_db()
    assert record.skipped_rejected


def test_a_failure_mid_apply_leaves_everything_as_it_was(monkeypatch):
    imported(TEAM)
    before = snapshot()

    def fails(changes: OrgChanges, *, by) -> None:
        raise RuntimeError("the applications stage failed")

    monkeypatch.setitem(org_change_listeners._items, "applications", (fails,))
    changed = [
        BOSS,
        person(2, title="Chief", supervisor="E1"),
        STAFF,
        person(4, dept="NEW", dept_name="New"),
    ]
    record = upload(csv_bytes(changed), deactivate_missing=True)
    with pytest.raises(RuntimeError):
        services.org_import_apply(import_id=record.pk, by=None)
    assert snapshot() == before
    record.refresh_from_db()
    assert record.status == OrgImport.Status.READY


def test_a_plan_out_of_date_is_not_applied_and_is_shown_again():
    record = upload(csv_bytes(TEAM))
    DepartmentFactory(code="DPH", name="Health")  # someone adds it in between
    with pytest.raises(org_import.PlanChangedError):
        services.org_import_apply(import_id=record.pk, by=None)
    assert not User.objects.exists()
    record.refresh_from_db()
    assert record.plan["departments_renamed"] == [
        {"code": "DPH", "old": "Health", "new": "Public Health"}
    ]
    services.org_import_apply(import_id=record.pk, by=None)
    assert Department.objects.get(code="DPH").name == "Public Health"


def test_an_import_is_applied_once():
    record = imported(TEAM)
    with pytest.raises(ValidationError, match="already been applied"):
        services.org_import_apply(import_id=record.pk, by=None)


def test_only_analysts_may_import(trainee, manager):
    from django.core.exceptions import PermissionDenied

    for person_ in (trainee, manager):
        with pytest.raises(PermissionDenied):
            services.org_import_create(
                by=person_, filename="x.csv", content=b"x", deactivate_missing=False
            )


def test_planning_takes_a_fixed_number_of_queries(django_assert_num_queries):
    for n in range(5):
        TraineeFactory(email=f"other{n}@sfgov.org")
    rows = org_import.read_rows(csv_bytes(city(300, 3)), filename="city.csv")
    with django_assert_num_queries(2):
        plan = org_import.plan_build(rows, deactivate_missing=False)
    assert len(plan.added) == 300


def test_a_whole_city_previews_applies_and_reapplies_with_no_change():
    content = csv_bytes(city(CITY_SIZE, 60))
    record = upload(content)
    assert len(record.plan["added"]) == CITY_SIZE
    assert len(record.plan["departments_added"]) == 61
    services.org_import_apply(import_id=record.pk, by=None)
    assert User.objects.filter(supervisor__isnull=False).count() == CITY_SIZE - 1
    again = upload(content)
    assert org_import.summary_counts(again.plan)["unchanged"] == CITY_SIZE
    assert not again.plan["changed"]
    assert not again.plan["added"]


# The command


def test_the_command_prints_the_summary_and_dry_run_changes_nothing(tmp_path, capsys):
    path = tmp_path / "org.csv"
    path.write_bytes(csv_bytes([*TEAM, person(5, supervisor="nobody@sfgov.org")]))
    call_command("import_people", str(path), "--dry-run")
    out = capsys.readouterr().out
    assert "org.csv: not applied" in out
    assert "People added: 3" in out
    assert "row 5 person5@sfgov.org: The supervisor nobody@sfgov.org is not in the file" in out
    assert not User.objects.exists()
    with pytest.raises(CommandError, match="nothing was applied"):
        call_command("import_people", str(path))
    assert not User.objects.exists()
    call_command("import_people", str(path), "--skip-rejected")
    assert "org.csv: applied" in capsys.readouterr().out
    assert User.objects.count() == 3


def test_the_command_deactivates_only_with_its_flag(tmp_path, capsys):
    path = tmp_path / "org.csv"
    path.write_bytes(csv_bytes([*TEAM, person(4, supervisor="E1")]))
    call_command("import_people", str(path))
    path.write_bytes(csv_bytes(TEAM))
    call_command("import_people", str(path))
    assert "People no longer in the file, left as they are: 1" in capsys.readouterr().out
    assert User.objects.get(employee_id="E4").is_active
    call_command("import_people", str(path), "--deactivate-missing")
    assert "People no longer in the file, deactivated: 1" in capsys.readouterr().out
    assert not User.objects.get(employee_id="E4").is_active


def test_the_command_refuses_an_unreadable_file(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_people", str(tmp_path / "missing.csv"))


def test_a_refused_rows_reason_is_stored_as_its_message_and_shown_in_the_readers_language():
    record = upload(csv_bytes([BOSS, person(5, supervisor="nobody@sfgov.org")]))
    (row,) = record.plan["rejected"]
    assert row["reasons"] == [
        {
            "message": "The supervisor %(ref)s is not in the file or here.",
            "params": {"ref": "nobody@sfgov.org"},
        }
    ]
    with translation.override("es"):
        shown = org_import.reason_text(row["reasons"][0])
    assert shown == "El supervisor nobody@sfgov.org no está en el archivo ni aquí."


def test_a_missing_fields_name_is_translated_when_the_reason_is_shown():
    record = upload(csv_bytes([person(5, name="")]))
    (reason,) = record.plan["rejected"][0]["reasons"]
    assert reason["params"] == {"field": "full_name"}
    with translation.override("en"):
        assert org_import.reason_text(reason) == "Full name is missing."
    with translation.override("zh-hant"):
        assert org_import.reason_text(reason) == "缺少全名。"
