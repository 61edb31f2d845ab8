from django.urls import include, path

# The gates' routes (accreditation.gate_api_urls) are included first in the root URLconf.
urlpatterns = [
    path("", include("accreditation.review_api_urls")),
]
