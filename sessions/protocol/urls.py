from django.urls import path

from sessions.protocol import views

urlpatterns = [
    path("", views.index, name="index"),
    path("speakers/<slug:slug>/", views.speakers, name="speakers"),
    path("speakers/<slug:slug>/close/", views.speakers_close, name="speakers_close"),
    path("speakers/<slug:slug>/list.pdf", views.speakers_pdf, name="speakers_pdf"),
    path("speakers/entry/<int:pk>/move/", views.speakers_move, name="speakers_move"),
    path("gala/", views.gala, name="gala"),
    path("gala/invite/", views.gala_invite, name="gala_invite"),
    path("gala/guests.csv", views.gala_csv, name="gala_csv"),
    path("signing/", views.signing, name="signing"),
    path("signing/generate/", views.signing_generate, name="signing_generate"),
    path("signing/order.pdf", views.signing_pdf, name="signing_pdf"),
    path("signing/<int:pk>/record/", views.signing_record, name="signing_record"),
    path("signing/<int:pk>/verify/", views.full_powers_verify, name="full_powers_verify"),
    path("signing/<int:pk>/refuse/", views.full_powers_refuse, name="full_powers_refuse"),
    path("signing/<int:pk>/full-powers.pdf", views.full_powers_file, name="full_powers_file"),
]
