"""/api/accreditation/: review and vetting queues and decisions for officers' tools."""

from django.urls import path

from . import review_api as views

urlpatterns = [
    path("accreditation/review/", views.ReviewQueueView.as_view(), name="api-review-queue"),
    path("accreditation/vetting/", views.VettingQueueView.as_view(), name="api-vetting-queue"),
    path("accreditation/vetting/<int:pk>/", views.VettingRecordView.as_view(), name="api-vetting-record"),
    path("accreditation/<int:pk>/approve/", views.ApproveView.as_view(), name="api-review-approve"),
    path("accreditation/<int:pk>/return/", views.ReturnView.as_view(), name="api-review-return"),
    path("accreditation/<int:pk>/reject/", views.RejectView.as_view(), name="api-review-reject"),
    path("accreditation/<int:pk>/clear/", views.ClearView.as_view(), name="api-vetting-clear"),
    path("accreditation/<int:pk>/refuse/", views.RefuseView.as_view(), name="api-vetting-refuse"),
]
