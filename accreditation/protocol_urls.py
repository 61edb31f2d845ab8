"""/protocol/: the badge print queue and desk (badges_urls), the gates (gate_urls)."""

from django.urls import include, path

urlpatterns = [
    path("checkin/", include("accreditation.gate_urls")),
    path("", include("accreditation.badges_urls")),
]
