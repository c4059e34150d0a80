from django.urls import path

from projects import views

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="project-list"),
    path("mine/", views.project_mine, name="project-mine"),
    path("start/<int:application_id>/", views.project_start, name="project-start"),
    path("<int:pk>/", views.project_detail, name="project-detail"),
    path("<int:pk>/edit/", views.project_edit, name="project-edit"),
    path("<int:pk>/a3/", views.project_a3, name="project-a3"),
    path("<int:pk>/review/", views.project_review, name="project-review"),
    path("<int:pk>/reopen/", views.project_reopen, name="project-reopen"),
    path("<int:pk>/team/", views.project_team, name="project-team"),
    path("<int:pk>/team/<int:member_id>/", views.team_member_edit, name="team-member-edit"),
    path(
        "<int:pk>/team/<int:member_id>/remove/",
        views.team_member_remove,
        name="team-member-remove",
    ),
    path("<int:pk>/team/application/", views.application_share, name="application-share"),
    path("<int:pk>/goal/agree/", views.goal_agree, name="goal-agree"),
    path("<int:pk>/measures/add/", views.measure_edit, name="measure-create"),
    path("<int:pk>/measures/<int:measure_id>/edit/", views.measure_edit, name="measure-edit"),
    path("<int:pk>/measurements/add/", views.measurement_add, name="measurement-add"),
    path("<int:pk>/measurements/import/", views.measurement_import, name="measurement-import"),
    path(
        "<int:pk>/measurements/<int:measurement_id>/delete/",
        views.measurement_delete,
        name="measurement-delete",
    ),
    path(
        "<int:pk>/follow-ups/<int:follow_up_id>/",
        views.follow_up_log,
        name="follow-up-log",
    ),
    path("<int:pk>/progress/add/", views.progress_add, name="progress-add"),
    path("<int:pk>/progress/<int:entry_id>/delete/", views.progress_delete, name="progress-delete"),
    path(
        "<int:pk>/attachments/<int:attachment_id>/",
        views.attachment_download,
        name="attachment-download",
    ),
]
