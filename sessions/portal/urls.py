from django.urls import path

from sessions.portal import views

urlpatterns = [
    path("", views.bookings, name="index"),
    path("bookings/<int:pk>/cancel/", views.booking_cancel, name="booking_cancel"),
    path("agendas/", views.agendas, name="agendas"),
    path("agenda/<str:token>.ics", views.agenda_ics, name="agenda_ics"),
    path("speakers/", views.speakers, name="speakers"),
    path("speakers/<int:pk>/withdraw/", views.speaker_withdraw, name="speaker_withdraw"),
    path("gala/", views.gala, name="gala"),
    path("gala/<int:pk>/respond/", views.gala_respond, name="gala_respond"),
    path("signing/", views.signing, name="signing"),
    path("signing/full-powers/", views.full_powers_upload, name="full_powers_upload"),
]
