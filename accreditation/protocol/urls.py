"""/protocol/ (namespace "protocol"): home, print queue, batches, the badge desk; the gate
pages under /protocol/checkin/ share the namespace."""

from django.urls import include, path

from accreditation.gate import urls as gate_urls
from accreditation.protocol import views

urlpatterns = [
    path("checkin/", include(gate_urls.urlpatterns)),
    path("", views.protocol_home, name="home"),
    path("print/", views.print_queue, name="print-queue"),
    path("print/batch/", views.print_batch_create, name="print"),
    path("batches/", views.batch_list, name="batches"),
    path("batches/<int:pk>/", views.batch_detail, name="batch"),
    path("batches/<int:pk>/status/", views.batch_status, name="batch-status"),
    path("batches/<int:pk>/badges.pdf", views.batch_pdf, name="batch-pdf"),
    path("batches/<int:pk>/render/", views.batch_render_again, name="batch-render"),
    path("desk/", views.desk, name="desk"),
    path("desk/<int:pk>/print/", views.desk_print, name="desk-print"),
    path("badges/<int:pk>/hand-over/", views.badge_hand_over, name="hand-over"),
    path("badges/<int:pk>/reprint/", views.badge_reprint, name="reprint"),
    path("badges/<int:pk>/revoke/", views.badge_revoke, name="revoke"),
]
