"""Version 1 of the read API: departments, cohorts, projects and the program's figures.

django-ninja: the OpenAPI schema comes from the same type hints that validate the query string
and shape each response, so the schema cannot drift from what the endpoints do."""

import datetime as dt
from typing import Annotated, Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, NinjaAPI, Path, Query, Schema
from ninja.errors import Throttled
from ninja.pagination import PaginationBase, paginate

from api import schemas, selectors
from api.auth import BearerToken, open_data
from api.models import ApiToken
from cohorts.models import Cohort
from leanleaders.models import User
from projects.models import Project
from projects.policies import visible_projects
from projects.results import Verdict
from reporting.selectors import program

# Dates as the app's own forms take them: a range a person means, not year 9999. The pattern
# says the same in the schema, which has no minimum for dates, so clients can know it.
CityDate = Annotated[
    dt.date,
    Field(
        ge=dt.date(2000, 1, 1),
        le=dt.date(2100, 12, 31),
        json_schema_extra={"pattern": r"^(20\d\d|2100)-\d\d-\d\d$"},
    ),
]
MAX_ID = 2**31 - 1
PAGE_SIZE, MAX_PAGE_SIZE = 50, 200

api = NinjaAPI(
    title="Lean Leaders API",
    version="1",
    description="Read-only figures and results of the city's Lean Leaders program.",
    urls_namespace="api-v1",
    openapi_url="/schema/",
    docs_url="/docs/",
    auth=BearerToken(),
)

ERRORS = {
    401: schemas.ErrorOut,
    404: schemas.ErrorOut,
    422: schemas.InvalidOut,
    429: schemas.ErrorOut,
}


class Pages(PaginationBase):
    """Numbered pages: `?page=2&page_size=100`. Dashboards want a total and a stable order;
    the lists are small enough (hundreds of projects a year) that OFFSET costs nothing."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=100_000)
        page_size: int = Field(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)

    class Output(Schema):
        items: list[Any]
        count: int
        page: int
        pages: int

    def paginate_queryset(
        self, queryset: QuerySet, pagination: Input, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        count = queryset.count()
        start = (pagination.page - 1) * pagination.page_size
        return {
            "items": list(queryset[start : start + pagination.page_size]),
            "count": count,
            "page": pagination.page,
            "pages": max(1, -(-count // pagination.page_size)),
        }


@api.exception_handler(Throttled)
def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    """429 with Retry-After, so a well-behaved client knows when to come back."""
    response = api.create_response(request, {"detail": str(exc)}, status=429)
    if exc.wait:
        response["Retry-After"] = str(exc.wait)
    return response


def _owner(request: HttpRequest) -> User:
    # Every route but /program/ takes only a bearer token, so `auth` is the token's row.
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    return token.owner


@api.get("/departments/", response={200: list[schemas.DepartmentOut], **ERRORS})
@paginate(Pages)
def department_list(request: HttpRequest) -> QuerySet:
    return selectors.department_list()


@api.get("/departments/{department_id}/", response={200: schemas.DepartmentOut, **ERRORS})
def department_get(request: HttpRequest, department_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    return get_object_or_404(selectors.department_list(), pk=department_id)


class CohortQuery(Schema):
    status: Literal[tuple(Cohort.Status.values)] | None = None  # type: ignore[valid-type]
    starts_from: CityDate | None = Field(None, description="Day 1 on or after")
    starts_to: CityDate | None = Field(None, description="Day 1 on or before")
    kind: Literal["city", "department"] | None = Field(
        None, description="city: open to every department; department: reserved for some"
    )


@api.get("/cohorts/", response={200: list[schemas.CohortOut], **ERRORS})
@paginate(Pages)
def cohort_list(request: HttpRequest, filters: Query[CohortQuery]) -> QuerySet:
    return selectors.cohort_list(
        user=_owner(request),
        filters=selectors.CohortFilters(
            status=filters.status,
            starts_from=filters.starts_from,
            starts_to=filters.starts_to,
            kind=filters.kind,
        ),
    )


@api.get("/cohorts/{cohort_id}/", response={200: schemas.CohortOut, **ERRORS})
def cohort_get(request: HttpRequest, cohort_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    cohorts = selectors.cohort_list(user=_owner(request), filters=selectors.CohortFilters())
    return get_object_or_404(cohorts, pk=cohort_id)


class ProjectQuery(Schema):
    department: int | None = Field(None, ge=1, le=MAX_ID)
    cohort: int | None = Field(None, ge=1, le=MAX_ID)
    verdict: Literal[tuple(v.value for v in Verdict)] | None = None  # type: ignore[valid-type]
    status: Literal[tuple(Project.Status.values)] | None = None  # type: ignore[valid-type]


@api.get("/projects/", response={200: list[schemas.ProjectOut], **ERRORS})
@paginate(Pages)
def project_list(request: HttpRequest, filters: Query[ProjectQuery]) -> QuerySet:
    return selectors.project_list(
        user=_owner(request),
        filters=selectors.ProjectFilters(
            department_id=filters.department,
            cohort_id=filters.cohort,
            verdict=filters.verdict,
            status=filters.status,
        ),
    )


@api.get("/projects/{project_id}/", response={200: schemas.ProjectOut, **ERRORS})
def project_get(request: HttpRequest, project_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    projects = selectors.project_list(user=_owner(request), filters=selectors.ProjectFilters())
    return get_object_or_404(projects, pk=project_id)


class ProgramQuery(Schema):
    date_from: CityDate | None = Field(None, description="Applications created on or after")
    date_to: CityDate | None = Field(None, description="Applications created on or before")
    cohort: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = Field(
        [], description="Repeat for several cohorts"
    )
    department: int | None = Field(None, ge=1, le=MAX_ID)


@api.get(
    "/program/",
    response={200: schemas.ProgramOut, **ERRORS},
    auth=[BearerToken(), open_data],
    description=(
        "The program report's figures, with its definitions (see docs/api.md). Open data: "
        "readable without a token when the city sets LEANLEADERS_API_OPEN_DATA."
    ),
)
def program_figures(request: HttpRequest, filters: Query[ProgramQuery]) -> Any:
    token = request.auth  # type: ignore[attr-defined]
    # Open data publishes the city's totals, so it counts every project; a token counts what
    # its owner may see, like the report page does.
    projects = (
        visible_projects(token.owner) if isinstance(token, ApiToken) else Project.objects.all()
    )
    report_filters = program.ReportFilters(
        date_from=filters.date_from,
        date_to=filters.date_to,
        cohort_ids=tuple(filters.cohort),
        department_id=filters.department,
    )
    return program.program_figures(projects=projects, filters=report_filters)
