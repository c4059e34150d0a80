from django.urls import path

from network import views

app_name = "network"
urlpatterns = [
    path("", views.leader_list, name="leader-list"),
    path("leaders/<int:leader_id>/", views.leader_detail, name="leader-detail"),
    path("leaders/<int:leader_id>/ask/", views.peer_request_create, name="peer-request-create"),
    path("profile/", views.profile_edit, name="profile-edit"),
    path("requests/", views.peer_request_list, name="peer-request-list"),
    path("requests/<int:pk>/", views.peer_request_detail, name="peer-request-detail"),
    path("requests/<int:pk>/respond/", views.peer_request_respond, name="peer-request-respond"),
    path("requests/<int:pk>/withdraw/", views.peer_request_withdraw, name="peer-request-withdraw"),
    path("requests/<int:pk>/help/", views.peer_help_record, name="peer-help-record"),
    path("requests/<int:pk>/share/", views.peer_help_share, name="peer-help-share"),
]
