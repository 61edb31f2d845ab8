"""/protocol/checkin/ (namespace "protocol"): the gate page, live occupancy, gate photos."""

from django.urls import path

from . import gate_views as views

urlpatterns = [
    path("", views.gate, name="checkin"),
    path("occupancy/", views.occupancy, name="occupancy"),
    path("photo/<int:badge_pk>/", views.badge_photo, name="checkin-photo"),
]
