"""Review and vetting: the officers' pages under /accreditation/ (namespace "review") and
the same queues and decisions for tools under /api/accreditation/ (`api_urlpatterns`)."""

from django.urls import path

from accreditation.review import api, views

urlpatterns = [
    path("", views.review_queue, name="queue"),
    path("approve/", views.review_bulk_approve, name="bulk-approve"),
    path("delegations/", views.delegation_suggestions, name="delegation-suggestions"),
    path("<int:pk>/", views.review_detail, name="detail"),
    path("<int:pk>/start/", views.review_start, name="start"),
    path("<int:pk>/approve/", views.review_approve, name="approve"),
    path("<int:pk>/return/", views.review_return, name="return"),
    path("<int:pk>/reject/", views.review_reject, name="reject"),
    path("security/", views.vetting_queue, name="vetting-queue"),
    path("security/gate-alerts/", views.gate_alerts, name="gate-alerts"),
    path("security/<int:pk>/", views.vetting_detail, name="vetting-detail"),
    path("security/<int:pk>/clear/", views.vetting_decide, {"decision": "clear"}, name="clear"),
    path("security/<int:pk>/refuse/", views.vetting_decide, {"decision": "refuse"}, name="refuse"),
    path("photo/<int:member_pk>/", views.member_photo, name="member-photo"),
]

api_urlpatterns = [
    path("accreditation/review/", api.ReviewQueueView.as_view(), name="api-review-queue"),
    path("accreditation/vetting/", api.VettingQueueView.as_view(), name="api-vetting-queue"),
    path("accreditation/vetting/<int:pk>/", api.VettingRecordView.as_view(), name="api-vetting-record"),
    path("accreditation/<int:pk>/approve/", api.ApproveView.as_view(), name="api-review-approve"),
    path("accreditation/<int:pk>/return/", api.ReturnView.as_view(), name="api-review-return"),
    path("accreditation/<int:pk>/reject/", api.RejectView.as_view(), name="api-review-reject"),
    path("accreditation/<int:pk>/clear/", api.ClearView.as_view(), name="api-vetting-clear"),
    path("accreditation/<int:pk>/refuse/", api.RefuseView.as_view(), name="api-vetting-refuse"),
]
