"""What the API returns. Each schema lists its fields: nothing reaches a response unless it is
named here, so no private text (application answers, coaching, notes) can slip out."""

import datetime as dt
from decimal import Decimal

from ninja import Schema
from pydantic import Field

from api.selectors import lean_tools
from projects.models import Measure, Project


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
    start_time: dt.time
    end_time: dt.time
    location: str
    seats: int = Field(validation_alias="capacity")
    seats_taken: int = Field(description="Seats held or offered")
    waitlisted: int = Field(validation_alias="waiting")


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
        return lean_tools(project)


class FiguresOut(Schema):
    label: str
    applied: int
    accepted: int
    completed: int
    finished: int
    completion_rate: Decimal | None
    projects: int
    measured: int
    improved: int
    no_change: int
    worse: int
    no_data: int
    median_improvement: Decimal | None
    sessions_marked: int
    sessions_attended: int
    attendance_rate: Decimal | None
    median_days_to_accept: Decimal | None


class ProgramOut(Schema):
    computed_at: dt.datetime
    total: FiguresOut
    by_department: list[FiguresOut]
    by_cohort: list[FiguresOut]


class ErrorOut(Schema):
    detail: str
