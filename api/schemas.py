"""What the API returns. Each schema lists its fields: nothing reaches a response unless it is
named here, so no private text (application answers, coaching, notes) can slip out."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from ninja import Schema
from pydantic import Field

from cohorts.models import Cohort
from projects.models import Measure, Project
from reporting.selectors.program import Figures


class DepartmentOut(Schema):
    id: int
    name: str
    code: str


class CohortOut(Schema):
    id: int
    name: str
    status: str
    day1: dt.date
    day2: dt.date
    day3: dt.date
    # Wall-clock times in the city's time zone. Not JSON Schema "time", which needs an offset:
    # the offset changes with daylight saving, the time of day does not.
    start_time: str = Field(pattern=r"^\d{2}:\d{2}$", description="HH:MM, the city's local time")
    end_time: str = Field(pattern=r"^\d{2}:\d{2}$", description="HH:MM, the city's local time")
    time_zone: str = Field(description="The city's time zone, e.g. America/Los_Angeles")
    location: str
    seats: int = Field(validation_alias="capacity")
    seats_taken: int = Field(description="Seats held or offered")
    waitlisted: int = Field(validation_alias="waiting")
    reserved_for: list[int] = Field(
        description="Ids of the departments the cohort is reserved for; empty when it is open "
        "to every department"
    )

    @staticmethod
    def resolve_reserved_for(cohort: Cohort) -> list[int]:
        return [department.pk for department in cohort.reserved_departments]

    @staticmethod
    def resolve_start_time(cohort: Cohort) -> str:
        return cohort.start_time.strftime("%H:%M")

    @staticmethod
    def resolve_end_time(cohort: Cohort) -> str:
        return cohort.end_time.strftime("%H:%M")

    @staticmethod
    def resolve_time_zone(cohort: Cohort) -> str:
        return settings.TIME_ZONE


class MeasureOut(Schema):
    """The primary measure and its stored result (see "Project results" in the README)."""

    name: str
    unit: str
    direction: str
    scale: str
    baseline: Decimal | None = Field(
        validation_alias="result_baseline",
        description="Median of the baseline data points, else the value typed in",
    )
    target: Decimal | None = Field(validation_alias="target_value")
    target_date: dt.date | None
    current: Decimal | None = Field(
        validation_alias="result_current", description="Median of the latest three measurements"
    )
    change: Decimal | None = Field(
        validation_alias="result_change", description="now minus baseline"
    )
    gain: Decimal | None = Field(
        validation_alias="result_gain", description="The change, signed so that positive is better"
    )
    gain_percent: Decimal | None = Field(validation_alias="result_gain_percent")
    verdict: str = Field(validation_alias="result_verdict")
    measurement_count: int = Field(validation_alias="result_measurement_count")
    last_measured: dt.date | None = Field(validation_alias="result_last_measured")


class ProjectOut(Schema):
    id: int
    title: str
    status: str
    department_id: int
    cohort_id: int | None = Field(description="The cohort the trainee holds a seat in")
    verdict: str = Field(description="The primary measure's verdict")
    gain_percent: Decimal | None
    measure: MeasureOut | None = Field(description="The primary measure")
    lean_tools: list[str] = Field(description="Lean tools tagged in the progress log")

    @staticmethod
    def resolve_measure(project: Project) -> Measure | None:
        primary = project.primary  # type: ignore[attr-defined]
        return primary[0] if primary else None

    @staticmethod
    def resolve_lean_tools(project: Project) -> list[str]:
        return [tool for tool, _label, _count in project.tools_used_counts]


class ProgramOut(Schema):
    # No "computed at": the figures are computed on every call, and a timestamp would change
    # the ETag of figures that did not change.
    # The report's own figures, field for field: one definition for the page, the exports and the
    # API (pydantic reads the dataclass's fields and types).
    total: Figures
    by_department: list[Figures]
    by_cohort: list[Figures]


class ErrorOut(Schema):
    detail: str


class InvalidOut(Schema):
    """A query the API refused: each entry names the parameter (`loc`) and says why (`msg`)."""

    detail: list[dict[str, Any]]
