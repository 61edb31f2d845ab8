from django.urls import path

from sessions.api import views as api

urlpatterns = [
    path("programme/sessions/", api.SessionListAPI.as_view(), name="api-programme-sessions"),
    path("programme/sessions/<uuid:uid>/", api.SessionDetailAPI.as_view(), name="api-programme-session"),
    path("programme/bookable-sessions/", api.BookableSessionsAPI.as_view(), name="api-programme-bookable"),
    path("programme/bookings/", api.BookingListAPI.as_view(), name="api-programme-bookings"),
    path(
        "programme/bookings/<int:pk>/cancel/",
        api.BookingCancelAPI.as_view(),
        name="api-programme-booking-cancel",
    ),
    path(
        "programme/speaker-requests/",
        api.SpeakerRequestListAPI.as_view(),
        name="api-programme-speaker-requests",
    ),
    path(
        "programme/speaker-requests/<int:pk>/withdraw/",
        api.SpeakerRequestWithdrawAPI.as_view(),
        name="api-programme-speaker-request-withdraw",
    ),
    path("programme/signature/", api.OwnSignatureAPI.as_view(), name="api-programme-own-signature"),
    path(
        "programme/signature/full-powers/",
        api.FullPowersUploadAPI.as_view(),
        name="api-programme-full-powers-upload",
    ),
    path("programme/signatures/", api.SignatureListAPI.as_view(), name="api-programme-signatures"),
    path(
        "programme/signatures/<int:pk>/full-powers/",
        api.FullPowersDecisionAPI.as_view(),
        name="api-programme-full-powers-decision",
    ),
    path(
        "programme/signatures/<int:pk>/record/",
        api.SignatureRecordAPI.as_view(),
        name="api-programme-signature-record",
    ),
    path(
        "programme/signatories/count/",
        api.SignatoriesCountAPI.as_view(),
        name="api-programme-signatories-count",
    ),
]
