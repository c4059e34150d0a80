from django.urls import path

from applications import views

app_name = "applications"
urlpatterns = [
    path("", views.application_list, name="application-list"),
    path("new/", views.application_create, name="application-create"),
    path("review/", views.review_queue, name="review-queue"),
    path("<int:pk>/", views.application_detail, name="application-detail"),
    path("<int:pk>/edit/", views.application_edit, name="application-edit"),
    path("<int:pk>/submit/", views.application_submit, name="application-submit"),
    path("<int:pk>/sign-off/", views.application_manager_decide, name="application-sign-off"),
    path(
        "<int:pk>/offline-sign-off/",
        views.application_offline_signoff,
        name="application-offline-sign-off",
    ),
    path("<int:pk>/decide/", views.application_analyst_decide, name="application-decide"),
    path("<int:pk>/withdraw/", views.application_withdraw, name="application-withdraw"),
]
