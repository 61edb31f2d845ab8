from django.urls import path

from sessions.public import views

urlpatterns = [
    path("programme/", views.programme_index, name="index"),
    path("programme.ics", views.programme_ics, name="ics"),
    path("programme/speakers/", views.speakers_index, name="speakers_index"),
    path("programme/speakers/<slug:slug>/", views.speakers_public, name="speakers"),
    path("programme/signatories/", views.signatories_public, name="signatories"),
]
