"""/api/ routes of the gates: check-in, the badge public key, the revocation list."""

from django.urls import path

from . import gate_api

urlpatterns = [
    path("checkin/", gate_api.CheckInView.as_view(), name="api-checkin"),
    path("badges/public-key/", gate_api.PublicKeyView.as_view(), name="api-badges-public-key"),
    path("badges/revoked/", gate_api.RevokedListView.as_view(), name="api-badges-revoked"),
]
