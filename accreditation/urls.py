"""/accreditation/ (namespace "review"): accreditation officers' and security officers' pages."""

from django.urls import path

from . import review_views as views

urlpatterns = [
    path("", views.review_queue, name="queue"),
    path("approve/", views.review_bulk_approve, name="bulk-approve"),
    path("<int:pk>/", views.review_detail, name="detail"),
    path("<int:pk>/start/", views.review_start, name="start"),
    path("<int:pk>/approve/", views.review_approve, name="approve"),
    path("<int:pk>/return/", views.review_return, name="return"),
    path("<int:pk>/reject/", views.review_reject, name="reject"),
    path("security/", views.vetting_queue, name="vetting-queue"),
    path("security/<int:pk>/", views.vetting_detail, name="vetting-detail"),
    path("security/<int:pk>/clear/", views.vetting_decide, {"decision": "clear"}, name="clear"),
    path("security/<int:pk>/refuse/", views.vetting_decide, {"decision": "refuse"}, name="refuse"),
    path("photo/<int:member_pk>/", views.member_photo, name="member-photo"),
]
