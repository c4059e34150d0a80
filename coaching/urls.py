from django.urls import path

from coaching import views

app_name = "coaching"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("assign/", views.assign, name="assign"),
    path("leaders/", views.leader_list, name="leader-list"),
    path("leaders/<int:user_id>/", views.leader_detail, name="leader-detail"),
    path(
        "leaders/<int:user_id>/notes/<int:note_id>/edit/",
        views.leader_note_edit,
        name="leader-note-edit",
    ),
    path(
        "leaders/<int:user_id>/notes/<int:note_id>/delete/",
        views.leader_note_delete,
        name="leader-note-delete",
    ),
    path("projects/<int:project_id>/timeline/", views.project_timeline, name="project-timeline"),
    path("projects/<int:project_id>/coaches/", views.coach_history, name="coach-history"),
    path(
        "projects/<int:project_id>/conversations/new/",
        views.conversation_create,
        name="conversation-create",
    ),
    path(
        "projects/<int:project_id>/touchpoints/new/",
        views.touchpoint_create,
        name="touchpoint-create",
    ),
    path("projects/<int:project_id>/cadence/", views.cadence_set, name="cadence-set"),
    path("projects/<int:project_id>/request/", views.request_create, name="request-create"),
    path(
        "conversations/<int:conversation_id>/",
        views.conversation_detail,
        name="conversation-detail",
    ),
    path(
        "conversations/<int:conversation_id>/edit/",
        views.conversation_edit,
        name="conversation-edit",
    ),
    path(
        "conversations/<int:conversation_id>/team/",
        views.conversation_team_visibility,
        name="conversation-team-visibility",
    ),
    path(
        "conversations/<int:conversation_id>/reflection/",
        views.reflection_edit,
        name="reflection-edit",
    ),
    path("conversations/<int:conversation_id>/steps/add/", views.step_add, name="step-add"),
    path("steps/mine/", views.my_steps, name="my-steps"),
    path("steps/people/", views.people_steps, name="people-steps"),
    path("routines/people/", views.people_routines, name="people-routines"),
    path("steps/<int:step_id>/complete/", views.step_complete, name="step-complete"),
    path("steps/<int:step_id>/reopen/", views.step_reopen, name="step-reopen"),
    path("requests/<int:request_id>/resolve/", views.request_resolve, name="request-resolve"),
]
