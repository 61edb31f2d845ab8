from django.urls import path

from accreditation.portal import views as portal_views

urlpatterns = [
    path("", portal_views.status_page, name="status"),
    path("api/status/", portal_views.StatusView.as_view(), name="api-status"),
    path("api/submit/", portal_views.SubmitView.as_view(), name="api-submit"),
]
