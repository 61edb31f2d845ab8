"""The gates: the gate page, live occupancy and gate photos under /protocol/checkin/
(namespace "protocol"), and the devices' API under /api/ (`api_urlpatterns`): check-in, the
badge public key, the revocation list."""

from django.urls import path

from accreditation.gate import api, app, pages

urlpatterns = [
    path("", pages.gate, name="checkin"),
    path("device/", pages.gate_device_page, name="checkin-device"),
    path("occupancy/", pages.occupancy, name="occupancy"),
    path("photo/<int:badge_pk>/", pages.badge_photo, name="checkin-photo"),
    # The gate web app: its service worker lives here so that its scope is the gate page.
    path("sw.js", app.service_worker, name="checkin-sw"),
    path("manifest.webmanifest", app.manifest, name="checkin-manifest"),
]

api_urlpatterns = [
    path("checkin/", api.CheckInView.as_view(), name="api-checkin"),
    path("checkin/batch/", api.CheckInBatchView.as_view(), name="api-checkin-batch"),
    path("checkin/undo/", api.CheckInUndoView.as_view(), name="api-checkin-undo"),
    path("badges/public-key/", api.PublicKeyView.as_view(), name="api-badges-public-key"),
    path("badges/revoked/", api.RevokedListView.as_view(), name="api-badges-revoked"),
    path("gate/bundle/", api.GateBundleView.as_view(), name="api-gate-bundle"),
    path("gate/search/", api.GateSearchView.as_view(), name="api-gate-search"),
    path("gate/device/rotate/", api.GateDeviceRotateView.as_view(), name="api-gate-device-rotate"),
]
