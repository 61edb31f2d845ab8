from django.urls import include, path

urlpatterns = [
    path("", include("delegations.api_urls")),
    path("", include("accreditation.api_urls")),
    path("", include("sessions.api_urls")),
]
