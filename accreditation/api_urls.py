from django.urls import include, path

urlpatterns = [
    path("", include("accreditation.gate_api_urls")),
    path("", include("accreditation.review_api_urls")),
]
