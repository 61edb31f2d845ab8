from django.urls import path

from . import views

urlpatterns = [
    path("programme/", views.programme_index, name="index"),
    path("programme.ics", views.programme_ics, name="ics"),
]
