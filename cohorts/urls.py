from django.urls import path

from cohorts import views

app_name = "cohorts"
urlpatterns = [
    path("", views.cohort_list, name="cohort-list"),
    path("new/", views.cohort_create, name="cohort-create"),
    path("propose/", views.schedule_propose, name="schedule-propose"),
    path("mine/", views.my_cohort, name="my-cohort"),
    path("<int:pk>/", views.cohort_detail, name="cohort-detail"),
    path("<int:pk>/edit/", views.cohort_edit, name="cohort-edit"),
    path("<int:pk>/status/", views.cohort_status, name="cohort-status"),
    path("<int:pk>/calendar.ics", views.cohort_calendar, name="cohort-calendar"),
    path("<int:pk>/attendance/<int:day>/", views.cohort_attendance, name="cohort-attendance"),
    path("place/<int:application_pk>/", views.enrollment_place, name="enrollment-place"),
    path(
        "applications/<int:application_pk>/withdraw/",
        views.application_withdraw_unplaced,
        name="application-withdraw",
    ),
    path("enrollments/<int:pk>/withdraw/", views.enrollment_withdraw, name="enrollment-withdraw"),
    path("enrollments/<int:pk>/offer/", views.enrollment_offer, name="enrollment-offer"),
    path("enrollments/<int:pk>/move/", views.enrollment_move, name="enrollment-move"),
    path("enrollments/<int:pk>/reorder/", views.enrollment_reorder, name="enrollment-reorder"),
]
