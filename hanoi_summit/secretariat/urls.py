"""/dashboard/: the secretariat's dashboard, exports, List of Participants (both made in the
background: documents/), group e-mails and audit history (namespace "dashboard")."""

from django.urls import path, register_converter

from hanoi_summit.secretariat import group_emails_views, history, participants_views
from hanoi_summit.secretariat.dashboard import views as dashboard_views
from hanoi_summit.secretariat.documents import views as document_views
from hanoi_summit.secretariat.exports import views as export_views


class ModelLabelConverter:
    """ "app_label.model", e.g. "delegations.member"."""

    regex = r"[a-z_]+\.[a-z_]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(ModelLabelConverter, "model_label")

urlpatterns = [
    path("", dashboard_views.index, name="index"),
    path("live/", dashboard_views.live, name="live"),
    path("exports/<slug:kind>.<str:fmt>", export_views.export, name="export"),
    path("participants.pdf", participants_views.participants_pdf, name="participants"),
    path("documents/<int:pk>/", document_views.document, name="document"),
    path("documents/<int:pk>/status", document_views.document_status, name="document_status"),
    path("documents/<int:pk>/download", document_views.document_download, name="document_download"),
    path("emails/", group_emails_views.group_email, name="group_email"),
    path("history/<model_label:label>/<int:pk>/", history.history, name="history"),
]
