from django.urls import path

from reporting import views

app_name = "reports"


def _export(kind: str, fmt: str) -> object:
    return path(
        f"cohorts/<int:pk>/{kind}.{fmt}",
        views.cohort_export,
        {"kind": kind, "fmt": fmt},
        name=f"export-{kind}-{fmt}",
    )


urlpatterns = [
    path("", views.board_index, name="board-index"),
    path("cohorts/<int:pk>/", views.cohort_board, name="cohort-board"),
    *(_export(kind, fmt) for kind in views.EXPORTS for fmt in ("csv", "xlsx")),
    path("review/<int:project_id>/", views.project_review, name="project-review"),
    path("program/", views.program_report, name="program-report"),
    path("program/engagement/", views.program_engagement, name="program-engagement"),
    path("program/after-day-3/", views.program_sustainment, name="program-sustainment"),
    path("program.csv", views.program_report_export, {"fmt": "csv"}, name="program-csv"),
    path(
        "program-<slug:table>.csv",
        views.program_report_export,
        {"fmt": "csv"},
        name="program-table-csv",
    ),
    path("program.xlsx", views.program_report_export, {"fmt": "xlsx"}, name="program-xlsx"),
    path("certificates/<int:enrollment_id>/", views.certificate, name="certificate"),
    path(
        "certificates/<int:enrollment_id>/certificate.pdf",
        views.certificate_pdf,
        name="certificate-pdf",
    ),
]
