from django.urls import path

from sessions.api import views as api

urlpatterns = [
    path("programme/sessions/", api.SessionListView.as_view(), name="api-programme-sessions"),
    path("programme/sessions/<uuid:uid>/", api.SessionDetailView.as_view(), name="api-programme-session"),
    path("programme/bookable-sessions/", api.BookableSessionsView.as_view(), name="api-programme-bookable"),
    path("programme/bookings/", api.BookingListView.as_view(), name="api-programme-bookings"),
    path(
        "programme/bookings/<int:pk>/cancel/",
        api.BookingCancelView.as_view(),
        name="api-programme-booking-cancel",
    ),
    path(
        "programme/speaker-requests/",
        api.SpeakerRequestListView.as_view(),
        name="api-programme-speaker-requests",
    ),
    path(
        "programme/speaker-requests/<int:pk>/withdraw/",
        api.SpeakerRequestWithdrawView.as_view(),
        name="api-programme-speaker-request-withdraw",
    ),
    path("programme/signature/", api.OwnSignatureView.as_view(), name="api-programme-own-signature"),
    path(
        "programme/signature/full-powers/",
        api.FullPowersUploadView.as_view(),
        name="api-programme-full-powers-upload",
    ),
    path("programme/signatures/", api.SignatureListView.as_view(), name="api-programme-signatures"),
    path(
        "programme/signatures/<int:pk>/full-powers/",
        api.FullPowersDecisionView.as_view(),
        name="api-programme-full-powers-decision",
    ),
    path(
        "programme/signatures/<int:pk>/record/",
        api.SignatureRecordView.as_view(),
        name="api-programme-signature-record",
    ),
    path(
        "programme/signatories/count/",
        api.SignatoriesCountView.as_view(),
        name="api-programme-signatories-count",
    ),
]
